"""The report ``clinic.diagnose`` returns: the checks it runs (``CHECKS``), a ``Finding`` per problem and the
``Report`` that holds them with each check's status and the measurements taken.

No lesson imports it: lesson 09 reads the report that ``clinic.diagnose`` returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: What each check asks, by name, in the order ``diagnose`` runs them.
CHECKS = {
    "shapes": "G's samples, the data and D's input have one shape, and D gives one number per sample",
    "data_range": "the data lie in the range G's output layer can make, and fill it",
    "output_activation": "D's output layer and the loss agree on logits, probabilities or raw scores",
    "loss_signs": "the loss rewards D for scoring real samples high and fakes low, and G for fakes scored high",
    "combined_model": "a combined G→D model's step changes G only, and D still learns in its own step",
    "batchnorm_mixed": "no BatchNorm in D when one batch holds real and fake samples",
    "optimizer": "learning rates and Adam's betas inside known-good ranges",
    "saturation": "G's loss gives G a usable gradient at the start and once D has learned to reject G's samples",
}
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One problem: the check that found it, how bad (``error``, ``warning``, ``info``), what was found, the fix.

    An error breaks training, a warning is known to hurt it, an info works but has a sturdier form.
    """

    check: str
    severity: str
    found: str
    fix: str

    def __str__(self) -> str:
        return f"[{self.severity}] {self.check}: {self.found}\n    fix: {self.fix}"


@dataclass
class Report:
    """What ``diagnose`` found: ``findings`` (a list of ``Finding``), the ``status`` of every check
    (``"ok"``, ``"found"`` or ``"skipped: why"``) and ``measurements`` taken on the sample (D's outputs,
    both losses, gradient sizes, data and sample ranges).

    ``ok`` is True when there is no error and no warning. Iterating gives the findings; ``"data_range"
    in report`` asks whether a check found something. Prints as text, and as a table in a notebook.
    """

    findings: list = field(default_factory=list)
    status: dict = field(default_factory=dict)
    measurements: dict = field(default_factory=dict)

    def add(self, check: str, severity: str, found: str, fix: str) -> None:
        """Record a finding of ``check`` (one of ``CHECKS``)."""
        if check not in CHECKS or severity not in SEVERITIES:
            raise ValueError(f"unknown check {check!r} or severity {severity!r}")
        self.findings.append(Finding(check, severity, found, fix))
        self.status[check] = "found"

    def done(self, check: str, skipped: str | None = None) -> None:
        """Mark ``check`` as run (``"ok"`` unless it found something), or as skipped and why."""
        if skipped is not None:
            self.status[check] = f"skipped: {skipped}"
        else:
            self.status.setdefault(check, "ok")

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when nothing worse than an info was found."""
        return not self.errors and not self.warnings

    @property
    def checks_found(self) -> set:
        """Names of the checks with at least one finding."""
        return {f.check for f in self.findings}

    def __iter__(self):
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __contains__(self, check) -> bool:
        return check in self.checks_found

    def _headline(self) -> str:
        counts = [(len([f for f in self.findings if f.severity == s]), s) for s in SEVERITIES]
        said = ", ".join(f"{k} {s}{'s' if k != 1 else ''}" for k, s in counts if k) or "nothing found"
        skipped = [c for c, s in self.status.items() if s.startswith("skipped")]
        ran = len(self.status) - len(skipped)
        return f"diagnose: {said} ({ran} checks run, {len(skipped)} skipped)"

    def __str__(self) -> str:
        lines = [self._headline()]
        lines += [str(f) for f in sorted(self.findings, key=lambda f: SEVERITIES.index(f.severity))]
        quiet = [c for c, s in self.status.items() if s == "ok"]
        if quiet:
            lines.append("no findings: " + ", ".join(quiet))
        lines += [f"{c}: {s}" for c, s in self.status.items() if s.startswith("skipped")]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.__str__()

    def _repr_markdown_(self) -> str:
        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        rows = [f"**{self._headline()}**", "", "| check | severity | found | fix |", "|---|---|---|---|"]
        for f in sorted(self.findings, key=lambda f: SEVERITIES.index(f.severity)):
            rows.append(f"| {f.check} | {f.severity} | {cell(f.found)} | {cell(f.fix)} |")
        for check, status in self.status.items():
            if status != "found":
                rows.append(f"| {check} | — | {cell(status)} | |")
        return "\n".join(rows)
