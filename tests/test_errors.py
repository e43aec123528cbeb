"""One error contract: every exception class of the package is a KehoachError, and its branch is its exit code."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import kehoach
from kehoach.errors import DataError, KehoachError, UsageError, exit_code_of


def _exception_classes() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.walk_packages(kehoach.__path__, "kehoach."):
        if info.name.endswith("__main__"):
            continue  # running it is the command line itself
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == info.name:
                found.append(obj)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


CLASSES = _exception_classes()


def test_the_package_has_its_exception_classes():
    names = {c.__name__ for c in CLASSES}
    assert {"LoadError", "UnknownPlan", "UnreadablePlan", "AgencyError", "ProgressError", "CliError"} <= names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_exception_is_a_kehoach_error_of_one_branch(cls: type[BaseException]):
    assert issubclass(cls, KehoachError), f"{cls.__module__}.{cls.__qualname__} must derive from kehoach.errors"
    if cls.__module__ == "kehoach.errors" or cls.__name__ == "CliError":
        return  # the roots themselves
    assert issubclass(cls, DataError | UsageError), f"{cls.__qualname__}: derive from DataError or UsageError"
    # The class carries the code through its branch; no class sets its own.
    assert "exit_code" not in vars(cls), f"{cls.__qualname__} sets exit_code: derive from the other branch instead"
    expected = 2 if issubclass(cls, UsageError) else 1
    assert cls.exit_code == expected
    instance = cls.__new__(cls)
    assert exit_code_of(instance) == expected


def test_a_class_is_in_one_branch_except_update_refused():
    both = [c.__qualname__ for c in CLASSES if issubclass(c, DataError) and issubclass(c, UsageError)]
    # UpdateRefused is a usage mistake that library users also catch as a ProgressError (see kehoach.errors).
    assert both == ["UpdateRefused"]


def test_branches_of_the_exceptions_that_used_to_flip():
    from kehoach.dataset import UnknownPlan, UnreadablePlan
    from kehoach.progress_write import ProgressError, UpdateRefused
    from kehoach.report import NoDraft, ReportError, TemplateProblem

    assert exit_code_of(UnknownPlan("x")) == 2 and exit_code_of(UnreadablePlan("x")) == 1
    assert not issubclass(UnreadablePlan, UnknownPlan)
    assert exit_code_of(ReportError("x")) == 2
    assert exit_code_of(NoDraft("x")) == 1 and exit_code_of(TemplateProblem("x")) == 1
    assert exit_code_of(ProgressError("x")) == 1 and exit_code_of(UpdateRefused("x")) == 2
    assert issubclass(UpdateRefused, ProgressError)


def test_anything_else_is_exit_code_one():
    assert exit_code_of(OSError("disk")) == 1
    assert exit_code_of(RuntimeError("?")) == 1
