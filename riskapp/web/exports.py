"""Download an assessment's workbook and policy documents, built from its current data."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, send_file
from flask.typing import ResponseReturnValue

from ..services import assessments
from ..services import description as description_service
from ..services import exports as export_service
from ..services.exports import ExportFile
from .access import current_org_id, permission_required
from .throttling import rate_limited

bp = Blueprint("exports", __name__, url_prefix="/assessments/<int:assessment_id>/export")


def _send(file: ExportFile) -> ResponseReturnValue:
    return send_file(
        BytesIO(file.content),
        mimetype=file.mimetype,
        as_attachment=True,
        download_name=file.filename,
        max_age=0,
    )


@bp.get("/workbook")
@permission_required("export")
@rate_limited("export", methods=("GET",))
def workbook(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)  # another organisation's: 404
    return _send(export_service.workbook_file(row.id))


@bp.get("/policies")
@permission_required("export")
@rate_limited("export", methods=("GET",))
def policies(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    return _send(export_service.policies_zip_file(row.id))


@bp.get("/policies/<ref>")
@permission_required("export")
@rate_limited("export", methods=("GET",))
def policy(assessment_id: int, ref: str) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    return _send(export_service.policy_file(row.id, ref))


@bp.get("/description")
@permission_required("export")
@rate_limited("export", methods=("GET",))
def description(assessment_id: int) -> ResponseReturnValue:
    row = assessments.get(current_org_id(), assessment_id)
    return _send(description_service.description_file(row.id))
