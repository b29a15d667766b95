"""Public shapes of agreed targets and their revisions."""

from collections.abc import Iterable

from service.targets.models import RevisionPublic, Target, TargetPublic, TargetRevision


def target_public(target: Target) -> TargetPublic:
    """One target as clients see it."""
    return TargetPublic.model_validate(target, from_attributes=True)


def targets_public(targets: Iterable[Target]) -> list[TargetPublic]:
    """Many targets as clients see them."""
    return [target_public(target) for target in targets]


def revisions_public(revisions: Iterable[TargetRevision]) -> list[RevisionPublic]:
    """A target's previous values, in the order given."""
    return [RevisionPublic.model_validate(row, from_attributes=True) for row in revisions]
