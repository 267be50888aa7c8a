"""Commands that work on the database: users, surveys, links, export, demo."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from analysis.readable_export import write_readable_xlsx
from analysis.responses import write_responses, write_responses_xlsx
from questionnaires import SHIPPED

from ..auth.services import create_user, generate_password, get_user, reset_password, revoke_sessions, set_active
from ..auth.tokens import create_token, revoke_token, user_tokens
from ..demo import DEMO_FORMS, DEMO_SLUG, DEMO_UNITS, load_demo
from ..downloads.services import record_raw_export
from ..extensions import db
from ..links.base_url import cli_base_url
from ..models import Response, Survey
from ..responses import fill_codes, load_survey_frames
from ..surveys.members import add_owner
from ..surveys.services import FormSpec, SurveyError, create_survey, get_survey, set_status, survey_links
from ..surveys.units import read_units_csv
from .common import boxed, input_errors_exit_2


@click.group("users")
def users_group() -> None:
    """Evaluator accounts."""


@users_group.command("create")
@click.argument("username")
@click.option("--password", help="Password (default: generate one and print it once).")
@click.option("--admin", is_flag=True, help="An admin: manages users, sees every survey (the first user is one).")
@with_appcontext
@input_errors_exit_2
def users_create(username: str, password: str | None, admin: bool) -> None:
    """Create an evaluator account."""
    generated = password is None
    password = password or generate_password()
    user = create_user(username, password, admin=admin)
    db.session.commit()
    click.echo(f"{'admin' if user.is_admin else 'user'} {username} created"
               + (f"; password: {password}" if generated else ""))


@users_group.command("reset-password")
@click.argument("username")
@with_appcontext
@input_errors_exit_2
def users_reset(username: str) -> None:
    """Give an account a new generated password, printed once; the account's logins end."""
    password = reset_password(get_user(username))
    db.session.commit()
    click.echo(f"new password for {username}: {password}")


@users_group.command("deactivate")
@click.argument("username")
@with_appcontext
@input_errors_exit_2
def users_deactivate(username: str) -> None:
    """Stop an account from logging in (its logins end); `activate` undoes it."""
    set_active(get_user(username), False)
    db.session.commit()
    click.echo(f"user {username} deactivated")


@users_group.command("activate")
@click.argument("username")
@with_appcontext
@input_errors_exit_2
def users_activate(username: str) -> None:
    """Let a deactivated account log in again."""
    set_active(get_user(username), True)
    db.session.commit()
    click.echo(f"user {username} activated")


@users_group.command("revoke-sessions")
@click.argument("username")
@with_appcontext
@input_errors_exit_2
def users_revoke_sessions(username: str) -> None:
    """End every console login of an account (copied cookies stop working too)."""
    ended = revoke_sessions(get_user(username))
    db.session.commit()
    click.echo(f"{ended} sessions of {username} ended")


@users_group.command("token")
@click.argument("username")
@click.option("--label", default="", help="What the token is for (shown in lists).")
@with_appcontext
@input_errors_exit_2
def users_token(username: str, label: str) -> None:
    """Make a new API token for USERNAME and print it once (the last word of the last line)."""
    row, token = create_token(get_user(username), label)
    db.session.commit()
    click.echo(f"API token {row.prefix} for {username}" + (f" ({row.label})" if row.label else "")
               + "; shown once, store it now:")
    click.echo(f"token: {token}")


@users_group.command("tokens")
@click.argument("username")
@with_appcontext
@input_errors_exit_2
def users_tokens(username: str) -> None:
    """List USERNAME's API tokens (prefix, label, created, last used, revoked) as tab-separated rows."""
    def when(value) -> str:  # noqa: ANN001
        return value.isoformat(timespec="seconds") if value else ""

    click.echo("prefix\tlabel\tcreated_at\tlast_used_at\trevoked_at")
    for row in user_tokens(get_user(username)):
        click.echo(f"{row.prefix}\t{row.label}\t{when(row.created_at)}\t{when(row.last_used_at)}\t"
                   f"{when(row.revoked_at)}")


@users_group.command("revoke-token")
@click.argument("username")
@click.argument("prefix")
@with_appcontext
@input_errors_exit_2
def users_revoke_token(username: str, prefix: str) -> None:
    """Revoke USERNAME's API token whose prefix is PREFIX (as `users tokens` lists it)."""
    row = revoke_token(get_user(username), prefix)
    db.session.commit()
    click.echo(f"API token {row.prefix} of {username} revoked")


@click.group("survey")
def survey_group() -> None:
    """Surveys: create, open, close, list links."""


def _form_spec(value: str) -> FormSpec:
    path_text, _, role = value.partition("=")
    path = Path(path_text)
    if not path.exists() and (SHIPPED / f"{path_text}.yaml").exists():
        path = SHIPPED / f"{path_text}.yaml"
    if not path.exists():       # a questionnaire id of the library: its latest version
        return FormSpec(path_text, role or None)
    return FormSpec(path, role or None)


@survey_group.command("create")
@click.option("--title", required=True, help="Survey title, e.g. 2025年某区课后服务项目满意度调查.")
@click.option("--slug", required=True, help="Short name used in commands, e.g. afterschool-2025.")
@click.option("--questionnaire", "questionnaires", multiple=True, required=True,
              help="Questionnaire file or library id (latest version), optionally =ROLE (repeatable).")
@click.option("--units", "units_csv", type=click.Path(exists=True, dir_okay=False), required=True,
              help="CSV of code,name,district.")
@click.option("--allow-repeat", is_flag=True, help="Allow several responses from one browser.")
@click.option("--owner", help="User who owns the survey in the console (default: none, only admins see it).")
@with_appcontext
@input_errors_exit_2
def survey_create(title: str, slug: str, questionnaires: tuple[str, ...], units_csv: str, allow_repeat: bool,
                  owner: str | None) -> None:
    """Create a draft survey."""
    units = read_units_csv(units_csv)
    owner_user = get_user(owner) if owner is not None else None
    survey = create_survey(title, slug, [_form_spec(v) for v in questionnaires], units, allow_repeat,
                           owner=owner_user)
    db.session.commit()
    click.echo(f"survey {survey.slug} created (draft) with {len(survey.forms)} forms and {len(units)} units")


@survey_group.command("open")
@click.argument("slug")
@with_appcontext
@input_errors_exit_2
def survey_open(slug: str) -> None:
    """Start accepting responses."""
    set_status(get_survey(slug), "open")
    db.session.commit()
    click.echo(f"survey {slug} is open")


@survey_group.command("fill-codes")
@with_appcontext
def survey_fill_codes() -> None:
    """Write the columnar copy of the answers for responses stored before it existed (after an upgrade)."""
    filled = fill_codes()
    db.session.commit()
    click.echo(f"{filled} responses coded")


@survey_group.command("close")
@click.argument("slug")
@with_appcontext
@input_errors_exit_2
def survey_close(slug: str) -> None:
    """Stop accepting responses."""
    set_status(get_survey(slug), "closed")
    db.session.commit()
    click.echo(f"survey {slug} is closed")


@survey_group.command("links")
@click.argument("slug")
@click.option("--base-url", help="Public address of the app (default: PUBLIC_BASE_URL).")
@with_appcontext
@input_errors_exit_2
def survey_links_command(slug: str, base_url: str | None) -> None:
    """Print every form x unit respondent link as tab-separated rows."""
    _print_links(get_survey(slug), cli_base_url(base_url))


def _print_links(survey: Survey, base_url: str) -> None:
    click.echo("role\tunit\tunit_name\turl")
    for link in survey_links(survey, base_url):
        unit = link.unit
        click.echo(f"{link.form.role}\t{unit.code if unit else ''}\t{unit.name if unit else ''}\t{link.url}")


@click.command("export")
@click.argument("slug")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="FILE.csv (one file per questionnaire when there are several) or FILE.xlsx.")
@click.option("--questionnaire", "only", help="Export only this questionnaire id.")
@click.option("--layout", type=click.Choice(["exchange", "readable"]), default="exchange", show_default=True,
              help="exchange: the response-file columns (can be read back and imported); readable (.xlsx only): "
                   "the hosted survey tool's layout with Chinese headers and values, for handing to a client.")
@with_appcontext
@input_errors_exit_2
def export_command(slug: str, out: str, only: str | None, layout: str) -> None:
    """Export all responses (valid and invalid, with their status) in the response-file columns, or with
    --layout readable in the hosted survey tool's layout."""
    path = Path(out)
    if layout == "readable" and path.suffix.lower() != ".xlsx":
        raise SurveyError("--layout readable writes an Excel workbook: --out must end in .xlsx", source=out)
    frames, questionnaires = load_survey_frames(slug, include_invalid=True)
    if only is not None:
        if only not in frames:
            raise SurveyError(f"survey {slug} has no questionnaire {only!r} (has: {', '.join(frames)})")
        frames = {only: frames[only]}
    if path.suffix.lower() == ".xlsx":
        (write_readable_xlsx if layout == "readable" else write_responses_xlsx)(frames, questionnaires, path)
        written = [path]
    elif path.suffix.lower() == ".csv":
        written = []
        for qid, frame in frames.items():
            target = path if len(frames) == 1 else path.with_name(f"{path.stem}-{qid}{path.suffix}")
            write_responses(frame, questionnaires[qid], target)
            written.append(target)
    else:
        raise SurveyError("--out must end in .csv or .xlsx", source=out)
    record_raw_export(get_survey(slug), ", ".join(t.name for t in written), sum(len(f) for f in frames.values()))
    db.session.commit()
    for target in written:
        click.echo(f"wrote {target}")


RESET_HINT = "`surveyapp users reset-password evaluator`"


@click.command("demo")
@click.option("--base-url", help="Public address of the app (default: PUBLIC_BASE_URL).")
@with_appcontext
@input_errors_exit_2
def demo_command(base_url: str | None) -> None:
    """Load the demo survey and an evaluator account (once), then print the login and the links."""
    base = cli_base_url(base_url)
    survey = db.session.scalar(db.select(Survey).filter_by(slug=DEMO_SLUG))
    if survey is None:
        with click.progressbar(length=len(DEMO_FORMS) * len(DEMO_UNITS), label="generating demo responses") as bar:
            survey = load_demo(progress=bar.update)
        password = generate_password()
        add_owner(survey, create_user("evaluator", password))
        db.session.commit()
        login = f"console login: evaluator / {password}   (shown once; {RESET_HINT})"
    else:
        login = f"console login: evaluator (demo already loaded; {RESET_HINT} for a new password)"
    count = db.session.scalar(db.select(db.func.count(Response.id)).join(Response.form).filter_by(survey_id=survey.id))
    click.echo("respondent links (one per role and school):")
    _print_links(survey, base)
    click.echo(boxed([
        f"demo survey {survey.slug}: {count} responses, {len(survey.units)} schools",
        f"console: {base}/console/",
        login,
        "respondent links: listed above, and on the console's 链接与二维码 page with QR codes",
    ]))


COMMANDS = [users_group, survey_group, export_command, demo_command]
