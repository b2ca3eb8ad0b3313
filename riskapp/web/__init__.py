"""The web layer: one blueprint per area, the sign-in gate, security headers, error pages."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    """Register every blueprint, access control, the security base and the error handlers."""
    from . import (
        access,
        assessments,
        audit,
        auth,
        boundary,
        description,
        errors,
        exports,
        inventory,
        library,
        links,
        main,
        organizations,
        period,
        period_checks,
        period_evidence,
        period_requests,
        period_results,
        requestlog,
        security,
        transactions,
        vendors,
        wizard,
    )

    boundary.init_boundary(app)  # first: the id converter must exist before any route
    # after_request hooks run in reverse order: the log line is written after the commit
    requestlog.init_request_log(app)
    transactions.init_transactions(app)
    security.init_security(app)
    access.init_access(app)
    links.init_links(app)  # the templates' url_for, keeping the menus' fixed links
    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(organizations.bp)
    app.register_blueprint(inventory.bp)
    app.register_blueprint(assessments.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(library.bp)
    app.register_blueprint(wizard.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(vendors.bp)
    app.register_blueprint(description.bp)
    period_evidence.register_views()  # the Evidence step's views, on the period blueprint
    period_checks.register_views()  # the Checks page's views, on the period blueprint
    period_requests.register_views()  # the Auditor requests page, on the period blueprint
    period_results.register_views()  # Testing, Deviations, Readiness, on the period blueprint
    app.register_blueprint(period.bp)
    period.init_period(app)
    errors.register(app)
