"""The operation pages: the list of operations, one dossier, and the correction forms.

The forms post to the server only when it was started with a corrections token, and each
post must carry that token (see :mod:`pressarchive.web.writeaccess`); without one the pages
say the server is read-only and show no forms. Forms are URL-encoded and read here with the
standard library, bounded in size.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pressarchive.dossiers import Dossiers
from pressarchive.errors import UserError
from pressarchive.record import FIGURE_KINDS, QUALIFIERS
from pressarchive.store.corrections import Correction
from pressarchive.web import urls
from pressarchive.web.deps import Service
from pressarchive.web.operations_api import write_access
from pressarchive.web.render import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

#: Largest correction form accepted, in bytes.
MAX_FORM_BYTES = 16_384
ACTIONS = ("merge", "reject", "add", "withdraw")


@router.get(urls.OPERATIONS)
def operations_page(service: Service) -> HTMLResponse:
    """Every operation in the archive."""
    return render("operations.html", summaries=service.dossiers.operations(), json_url=urls.api_operations_url())


@router.get(urls.OPERATION)
def operation_page(name: str, request: Request, service: Service) -> HTMLResponse:
    """One operation's dossier."""
    dossier = service.dossiers.dossier(name)
    return render(
        "operation.html", dossier=dossier, data=dossier.to_json(),
        json_url=urls.api_operation_url(dossier.name), csv_url=urls.api_operation_csv_url(dossier.name),
        writable=write_access(request).enabled, kinds=FIGURE_KINDS, qualifiers=QUALIFIERS,
    )


@router.post(urls.OPERATION_CORRECTIONS)
async def correct_operation(name: str, request: Request, service: Service) -> Response:
    """Apply one correction from the dossier page's forms, then show the dossier again."""
    form = await read_form(request)
    write_access(request).check(form.get("token"))
    dossier = service.dossiers.dossier(name)
    _apply(service.dossiers, form, dossier.name)
    target = form.get("new") if form.get("action") == "merge" else dossier.name
    return RedirectResponse(urls.operation_url(target or dossier.name), status_code=303)


async def read_form(request: Request) -> dict[str, str]:
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise UserError("expected a form (application/x-www-form-urlencoded)")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise UserError(f"form too large: at most {MAX_FORM_BYTES} bytes")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise UserError("unreadable form") from None
    return {key: values[-1] for key, values in fields.items()}


def _apply(dossiers: Dossiers, form: dict[str, str], name: str) -> Correction:
    action = form.get("action", "")
    who = {"author": form.get("by", ""), "reason": form.get("why", "")}
    if action == "merge":
        return dossiers.merge_operations(name, form.get("new", ""), **who)
    if action == "reject":
        return dossiers.reject_figure(
            _whole(form, "document_id"), form.get("kind", ""), _number(form, "value"),
            form.get("sentence_contains", ""), **who,
        )
    if action == "add":
        return dossiers.add_figure(
            _whole(form, "document_id"), form.get("kind", ""), _number(form, "value"),
            qualifier=form.get("qualifier", "exact"), quote=form.get("quote", ""), unit=form.get("unit", ""), **who,
        )
    if action == "withdraw":
        return dossiers.withdraw(_whole(form, "correction_id"), author=who["author"])
    raise UserError(f"bad action {action[:40]!r}: expected one of {', '.join(ACTIONS)}")


def _whole(form: dict[str, str], name: str) -> int:
    text = form.get(name, "").strip()
    if not text.isdigit() or len(text) > 18:
        raise UserError(f"bad {name.replace('_', ' ')} {text[:40]!r}: expected a whole number")
    return int(text)


def _number(form: dict[str, str], name: str) -> float:
    text = form.get(name, "").strip()
    try:
        return float(text) if len(text) <= 30 else float("nan")
    except ValueError:
        raise UserError(f"bad {name} {text[:40]!r}: expected a number") from None
