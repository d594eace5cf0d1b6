"""The JSON API of operations: the list, a dossier, its figures as CSV, and the corrections.

Bodies are what ``pressarchive operations --json``, ``operation NAME --json|--csv`` and
``corrections --json`` print. Correction requests write, so they need the server's
write token (``Authorization: Bearer TOKEN``); a server started without one answers
them with 403.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from pressarchive.dossiers.export import figures_csv
from pressarchive.record import FIGURE_KINDS, QUALIFIERS
from pressarchive.web import apiexamples, urls
from pressarchive.web.apierrors import bad_host_doc, error_doc, token_error_docs
from pressarchive.web.apiexamples import ok, ok_csv
from pressarchive.web.deps import Service
from pressarchive.web.writeaccess import READ_ONLY, WriteAccess

router = APIRouter(tags=["operations"])

OperationName = Annotated[str, Path(
    description="The operation's name in any spelling of any language: case, accents, hyphens, "
    "a leading `Operation`/`Operación`/... and quotes are ignored; a merged alias leads to its dossier.",
)]
Authorization = Annotated[str | None, Header(description="`Bearer TOKEN`: the server's write token.")]
NAME_ERRORS: dict[int | str, dict[str, Any]] = {
    400: error_doc(
        400, "The name is empty or too long, or `format` is neither `json` nor `csv`.", "/api/operations/tantalio",
        "bad format 'xml': input should be 'json' or 'csv'", parameter="format", location="query", value="xml",
    ),
    404: error_doc(
        404, "No operation by that name (close matches are suggested).", "/api/operations/Tantalo",
        "no operation named 'Tantalo' in the archive; did you mean 'Tantalio', 'Tantalium'?",
    ),
}
_MERGE_PATH = f"{urls.API_CORRECTIONS}/merge-operation"
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: error_doc(
        400, "Bad input: unknown kind or qualifier, missing author or reason, ...", _MERGE_PATH,
        "bad author: field required", parameter="author", location="body",
    ),
    **token_error_docs(_MERGE_PATH, READ_ONLY),
    404: error_doc(
        404, "No such operation, document, figure or correction.", f"{urls.API_CORRECTIONS}/reject-figure",
        "no document with id 999999",
    ),
}


class Who(BaseModel):
    author: str = Field(description="Who makes the correction.", max_length=100)
    reason: str = Field(description="Why: kept with the correction and shown beside what it changed.", max_length=2000)


class MergeBody(Who):
    old: str = Field(description="The name to merge away (e.g. a misspelling).", max_length=200)
    new: str = Field(description="The operation it is the same as.", max_length=200)


class RejectBody(Who):
    document_id: int = Field(ge=1)
    kind: Literal[FIGURE_KINDS]  # type: ignore[valid-type]
    value: float
    sentence_contains: str = Field("", max_length=2000, description="Only the figure in a sentence containing this.")


class AddBody(Who):
    document_id: int = Field(ge=1)
    kind: Literal[FIGURE_KINDS]  # type: ignore[valid-type]
    value: float
    qualifier: Literal[QUALIFIERS] = "exact"  # type: ignore[valid-type]
    quote: str = Field("", max_length=2000)
    unit: str = Field("", max_length=8)


class WithdrawBody(BaseModel):
    author: str = Field(max_length=100)


def write_access(request: Request) -> WriteAccess:
    access: WriteAccess = request.app.state.write_access
    return access


def require_token(request: Request, authorization: Authorization = None) -> None:
    """Checked before the body is read: a read-only server says so whatever was sent."""
    write_access(request).check_bearer(authorization)


Writer = Annotated[None, Depends(require_token)]


def csv_response(text: str, name: str) -> Response:
    filename = "".join(c if c.isalnum() else "-" for c in name)[:60] or "operation"
    return Response(text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}-figures.csv"',
    })


@router.get(
    urls.API_OPERATIONS, summary="Every operation",
    description="Every operation the archive's documents name, with documents, reports (near-duplicate "
    "copies counted once), sources, first and last publication date and languages; most reported first. "
    "Hand merges are applied.",
    responses={200: ok("`{\"operations\": [...]}`", apiexamples.OPERATIONS), 400: bad_host_doc(urls.API_OPERATIONS)},
)
def api_operations(service: Service) -> JSONResponse:
    return JSONResponse({"operations": [s.to_json() for s in service.dossiers.operations()]})


@router.get(
    urls.API_OPERATION_CSV, summary="An operation's figures as CSV",
    description="The dossier's figures table, one row per figure of every report, rejected and "
    "hand-added ones marked; cells a spreadsheet would run as formulas are prefixed with `'`.",
    responses={200: ok_csv("CSV, one row per figure.", apiexamples.FIGURES_CSV), **NAME_ERRORS},
    response_class=Response,
)
def api_operation_csv(name: OperationName, service: Service) -> Response:
    dossier = service.dossiers.dossier(name)
    return csv_response(figures_csv(dossier), dossier.name)


@router.get(
    urls.API_OPERATION, summary="An operation's dossier",
    description="Every current document naming the operation, in any language and source; first and last "
    "date; agencies and countries with how many reports name them; documents per month; and the figures "
    "each source reported, side by side per kind, with `disagreement` and the conflicting pairs with both "
    "quotes. Figures changed by hand carry `corrected: true` and who, when and why. `format=csv` gives "
    "the figures table as CSV.",
    responses={
        200: ok("The dossier; with `format=csv` its figures table.", apiexamples.DOSSIER, apiexamples.FIGURES_CSV),
        **NAME_ERRORS,
    },
)
def api_operation(
    name: OperationName, service: Service,
    format: Annotated[Literal["json", "csv"], Query(description="`json` (default) or `csv`.")] = "json",
) -> Response:
    dossier = service.dossiers.dossier(name)
    if format == "csv":
        return csv_response(figures_csv(dossier), dossier.name)
    return JSONResponse(dossier.to_json())


@router.get(
    urls.API_CORRECTIONS, summary="The hand corrections",
    description="Corrections in force (with `all=true`, withdrawn ones too), with who, when and why.",
    responses={
        200: ok("`{\"corrections\": [...]}`", apiexamples.CORRECTIONS),
        400: error_doc(
            400, "`all` is not a yes or no.", urls.API_CORRECTIONS,
            "bad all 'maybe': input should be a valid boolean, unable to interpret input",
            parameter="all", location="query", value="maybe",
        ),
    },
)
def api_corrections(
    service: Service, all: Annotated[bool, Query(description="Include withdrawn corrections.")] = False,
) -> JSONResponse:
    return JSONResponse({"corrections": [c.to_json() for c in service.dossiers.corrections(all)]})


@router.post(
    f"{urls.API_CORRECTIONS}/merge-operation", summary="Merge two operation names",
    description="From now on `old` is shown, counted and searched as `new` (the search facet after the "
    "next `pressarchive index`). Needs the write token.",
    responses={201: ok("The correction.", apiexamples.MERGE), **WRITE_ERRORS}, status_code=201,
)
def api_merge(body: MergeBody, service: Service, _writer: Writer) -> JSONResponse:
    done = service.dossiers.merge_operations(body.old, body.new, author=body.author, reason=body.reason)
    return JSONResponse(done.to_json(), status_code=201)


@router.post(
    f"{urls.API_CORRECTIONS}/reject-figure", summary="Reject a wrong figure",
    description="Marks a figure of a document as wrong, named by document, kind, value and optionally words "
    "of its sentence, so the rejection holds for later versions of the document. Needs the token.",
    responses={201: ok("The correction.", apiexamples.REJECT), **WRITE_ERRORS}, status_code=201,
)
def api_reject(body: RejectBody, service: Service, _writer: Writer) -> JSONResponse:
    done = service.dossiers.reject_figure(
        body.document_id, body.kind, body.value, body.sentence_contains, author=body.author, reason=body.reason,
    )
    return JSONResponse(done.to_json(), status_code=201)


@router.post(
    f"{urls.API_CORRECTIONS}/add-figure", summary="Add a missing figure",
    description="A figure the document reports that the extractor missed. Needs the token.",
    responses={201: ok("The correction.", apiexamples.ADD), **WRITE_ERRORS}, status_code=201,
)
def api_add(body: AddBody, service: Service, _writer: Writer) -> JSONResponse:
    done = service.dossiers.add_figure(
        body.document_id, body.kind, body.value, qualifier=body.qualifier, quote=body.quote, unit=body.unit,
        author=body.author, reason=body.reason,
    )
    return JSONResponse(done.to_json(), status_code=201)


@router.post(
    urls.API_CORRECTION_WITHDRAW, summary="Withdraw a correction",
    description="The correction stops applying and stays on record as withdrawn. Needs the token.",
    responses={200: ok("The withdrawn correction.", apiexamples.WITHDRAWN), **WRITE_ERRORS},
)
def api_withdraw(
    correction_id: Annotated[int, Path(ge=1, le=2**63 - 1)], body: WithdrawBody, service: Service, _writer: Writer,
) -> JSONResponse:
    return JSONResponse(service.dossiers.withdraw(correction_id, author=body.author).to_json())
