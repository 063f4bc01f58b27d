"""`originproof accounts …`: operators bootstrap users and tokens from the command line.

`add-token` prints the new token as the LAST line of standard output (scripts rely on it); it is
shown this once and stored only as a digest."""
from __future__ import annotations

import sys
from typing import Optional

import typer

accounts_app = typer.Typer(no_args_is_help=True, add_completion=False,
                           help="Users and API tokens (roles: seller, reviewer, admin).")

_STORE = typer.Option(None, "--store", help="Store URL; default under ORIGINPROOF_HOME.")


def _run(store: str | None, fn):
    from originproof.accounts.service import AccountError
    from originproof.cli.common import open_store

    st = open_store(store)
    try:
        with st.Session.begin() as s:
            return fn(s)
    except AccountError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    finally:
        st.close()


@accounts_app.command("add-user")
def add_user(name: str = typer.Argument(..., help="Sign-in name."),
             role: str = typer.Option(..., "--role", help="seller | reviewer | admin"),
             merchant: list[str] = typer.Option([], "--merchant", help="A seller's merchant id (repeatable)."),
             password_stdin: bool = typer.Option(False, "--password-stdin",
                                                 help="Read the password from standard input (never from argv)."),
             store: Optional[str] = _STORE) -> None:
    """Create a console user (password hashed with argon2id)."""
    from originproof.accounts.service import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    _run(store, lambda s: create_user(s, name, password, role, merchant))
    typer.echo(f"user {name} ({role}{': ' + ', '.join(merchant) if merchant else ''}) created")


@accounts_app.command("add-token")
def add_token(role: str = typer.Option(..., "--role", help="seller | reviewer | admin"),
              merchant: list[str] = typer.Option([], "--merchant", help="A seller token's merchant id (repeatable)."),
              user: Optional[str] = typer.Option(None, "--user", help="Tie the token to this user."),
              label: str = typer.Option("", "--label", help="What the token is for."),
              store: Optional[str] = _STORE) -> None:
    """Create an API token; the token itself is the last line of output, shown once."""
    from originproof.accounts.service import issue_token

    tok_id, plain = _run(store, lambda s: (lambda t: (t[0].token_id, t[1]))(issue_token(s, role, merchant, label,
                                                                                         user)))
    typer.echo(f"token {tok_id} ({role}{': ' + ', '.join(merchant) if merchant else ''}) — shown once, store it now:")
    typer.echo(plain)


@accounts_app.command("revoke-token")
def revoke_token(token_id: str = typer.Argument(..., help="The token's id (the part after `op_`)."),
                 store: Optional[str] = _STORE) -> None:
    """Revoke a token at once."""
    from originproof.accounts.service import revoke_token as revoke

    if not _run(store, lambda s: revoke(s, token_id)):
        typer.echo(f"no live token {token_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"token {token_id} revoked")


@accounts_app.command("list-tokens")
def list_tokens(store: Optional[str] = _STORE) -> None:
    """Token ids, roles and scopes (never the tokens)."""
    from originproof.accounts.repository import tokens

    rows = _run(store, lambda s: [(t.token_id, t.role, ",".join(t.merchants or []), t.label,
                                   "revoked" if t.revoked_at else "live") for t in tokens(s)])
    for r in rows:
        typer.echo("\t".join(r))


@accounts_app.command("bind-merchant")
def bind_merchant(merchant_id: str = typer.Argument(..., help="The marketplace's merchant id."),
                  uscc: str = typer.Option(..., "--uscc", help="The company's unified social credit code."),
                  store: Optional[str] = _STORE) -> None:
    """Register which company a merchant id files for (otherwise bound at its first accepted dossier)."""
    from originproof.cases.service import CaseError, register_identity

    def bind(s):
        try:
            register_identity(s, merchant_id, uscc, "cli")
        except CaseError as e:
            typer.echo(f"error: {e.en}", err=True)
            raise typer.Exit(2)
    _run(store, bind)
    typer.echo(f"merchant {merchant_id} files for {uscc}")


def register(app: typer.Typer) -> None:
    app.add_typer(accounts_app, name="accounts", help="Users and API tokens.")
