"""One way to fail: every exception that leaves a command becomes a Vietnamese message and an exit code.

Exit codes: **0** success, **1** a problem in the data or the files (any ``OSError`` included, also when
stdout is closed, full or cannot encode the text), **2** a usage mistake. A library exception says which
by its branch of ``kehoach.errors.KehoachError``: ``UsageError`` is 2 (``UnknownPlan``, ``AgencyError``,
``QueryError``…), ``DataError`` is 1 (``LoadError``, ``ProgressError``, ``TemplateProblem``…). Commands do
not catch these: they pass to ``guarded``, the one boundary. No traceback reaches the user unless
``KEHOACH_DEBUG=1``.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import re
import sys
import unicodedata
from collections.abc import Callable
from typing import Any, NoReturn

import typer

from kehoach.clickapi import exceptions as click_exc
from kehoach.errors import DataError, KehoachError, UsageError, exit_code_of


class CliError(KehoachError):
    """A refusal decided by the command line itself (conflicting options, a file that exists…)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CliUsageError(CliError, UsageError):
    """Options that cannot go together, a value the command line refuses: exit code 2."""


class CliDataError(CliError, DataError):
    """A file in the way of the command (it exists, it is not the plan's name…): exit code 1."""


def fail(message: str, code: int = 2) -> NoReturn:
    """Stop the command: ``kehoach: <message>`` on stderr, exit ``code`` (2 usage, 1 data or file)."""
    raise (CliDataError if code == 1 else CliUsageError)(message)


def say(message: str) -> None:
    """A line on stderr, prefixed ``kehoach:``; silent when stderr itself is gone."""
    from kehoach.output import terminal_safe

    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(f"kehoach: {terminal_safe(message)}\n")
        stream.flush()
    except (OSError, ValueError):
        pass


_ERRNO_VN = {
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không được phép",
    errno.ENOSPC: "hết chỗ trống trên đĩa",
    errno.EDQUOT: "vượt hạn mức đĩa",
    errno.EROFS: "hệ thống tệp chỉ cho đọc",
    errno.ENAMETOOLONG: "tên tệp hoặc đường dẫn quá dài",
    errno.ENOENT: "không tồn tại",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EISDIR: "là một thư mục",
    errno.EEXIST: "đã tồn tại",
    errno.EIO: "lỗi vào/ra của thiết bị",
    errno.EMFILE: "mở quá nhiều tệp",
    errno.ELOOP: "liên kết tượng trưng lặp vòng",
    errno.EBUSY: "tài nguyên đang bận",
    errno.EPIPE: "đầu nhận đã đóng",
    errno.EBADF: "luồng đã đóng",
    errno.EFBIG: "tệp quá lớn",
    errno.ETXTBSY: "tệp đang được dùng",
}


def describe_oserror(exc: OSError) -> str:
    """``không ghi được 'x': hết chỗ trống trên đĩa`` — the Vietnamese reason, and the file when known."""
    reason = _ERRNO_VN.get(exc.errno or -1) or exc.strerror or type(exc).__name__
    name = exc.filename
    if name is None:
        return f"lỗi tệp: {reason}"
    where = os.fsdecode(name)
    if len(where) > 120:
        where = where[:60] + "…" + where[-40:]
    return f"lỗi tệp {where!r}: {reason}"


# --- click's own usage errors, in Vietnamese ---------------------------------------------------------

# Usage errors click raises as a plain UsageError, known only by their English text. A mistyped option and a
# missing one are read from the exception's attributes instead (``usage_message``).
_CLICK_VN: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Option (.+) requires an argument\.?$", re.S), "tùy chọn {0} cần một giá trị"),
    (re.compile(r"^Option (.+) requires (.+)$", re.S), "tùy chọn {0} cần {1}"),
    (re.compile(r"^Option (.+) does not take a value\.$", re.S), "tùy chọn {0} không nhận giá trị"),
    (re.compile(r"^Got unexpected extra argument\(s\) \((.+)\)$", re.S), "thừa đối số: {0}"),
    (re.compile(r"^No such command (.+?)\.(?: Did you mean .+\?)?$", re.S), "không có lệnh {0}"),
    (re.compile(r"^Missing command\.$", re.S), "thiếu tên lệnh"),
    (re.compile(r"^Invalid value for (.+?): (.+)$", re.S), "{0}: {1}"),
    (re.compile(r"^Invalid value: (.+)$", re.S), "giá trị không hợp lệ: {0}"),
]

_VALUE_VN: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Value error, (.+)$", re.S), "{0}"),
    (re.compile(r"^Input should be a valid integer.*$", re.S), "cần một số nguyên"),
    (re.compile(r"^Input should be a valid number.*$", re.S), "cần một số"),
    (re.compile(r"^(.+) is not one of (.+)\.$", re.S), "{0} không phải một trong {1}"),
    (re.compile(r"^Value (.+) is not a valid (.+)\.$", re.S), "{0} không hợp lệ ({1})"),
]


def _translate(text: str, table: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, template in table:
        m = pattern.match(text)
        if m:
            return template.format(*(g for g in m.groups() if g is not None))
    return text


_UNITS = {"ngày": 1, "tuần": 7, "tháng": 30, "năm": 365}


def _extra_hint(words: str) -> str:
    """Why a word was left over: "--within 3 tháng" counts days; a name with spaces needs quotes."""
    first = words.split()[0] if words.split() else ""
    if first.casefold() in _UNITS:
        return f" (--within nhận số ngày, như --within {3 * _UNITS[first.casefold()]} cho 3 {first}; hoặc --until NGÀY)"
    return ' (một giá trị có dấu cách cần đặt trong ngoặc kép, như --agency "Sở Tài chính")'


def usage_message(exc: click_exc.ClickException) -> str:
    """A click usage error as one or more lines in Vietnamese (usage line, hint, the error itself)."""
    message = exc.format_message()
    if isinstance(exc, click_exc.NoSuchOption):
        message = f"không có tùy chọn {exc.option_name}"
        if exc.possibilities:
            message += f" (các tùy chọn gần giống: {', '.join(sorted(exc.possibilities))})"
    elif isinstance(exc, click_exc.MissingParameter):
        param = exc.param
        kind = exc.param_type or (param.param_type_name if param is not None else "parameter")
        what = {"option": "thiếu tùy chọn", "argument": "thiếu đối số"}.get(kind, "thiếu tham số")
        # "Missing option '--agency' / '-a'. <extra>": the names as click shows them (how it computes them
        # changed between typer versions), without the English remark after them.
        hint = message.removeprefix(f"Missing {kind}").split(". ", 1)[0].rstrip(".").strip()
        message = f"{what} {hint}".rstrip()
    elif isinstance(exc, click_exc.BadParameter):
        m = re.match(r"^Invalid value for (.+?): (.+)$", message, re.S)
        if m:
            param = exc.param
            opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
            name = opts[0] if opts else m.group(1).strip("'")
            message = f"{name}: {_translate(m.group(2), _VALUE_VN)}"
    else:
        message = _translate(message, _CLICK_VN)
        extra = re.match(r"^Got unexpected extra argument\(s\) \((.+)\)$", exc.format_message(), re.S)
        if extra:
            message += _extra_hint(extra.group(1))
    suggestion = re.search(r"Did you mean (.+?)\?", exc.format_message())
    if suggestion:
        message += f" (có phải {suggestion.group(1)}?)"
    lines = []
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        usage = ctx.get_usage().replace("Usage:", "Cách dùng:", 1)
        lines.append(usage)
        lines.append(f"Xem `{ctx.command_path} --help`.")
    lines.append(f"kehoach: {message}")
    return "\n".join(lines)


# --- click's own words in --help, in Vietnamese ------------------------------------------------------

_HELP_VN = {
    "Options": "Tùy chọn",
    "Arguments": "Đối số",
    "Commands": "Lệnh",
    "required": "bắt buộc",
    "default: {default}": "mặc định: {default}",
    "env var: {var}": "biến môi trường: {var}",
    "(dynamic)": "(tùy lúc chạy)",
    "Aborted!": "Đã dừng.",
}


def localize_help() -> None:
    """Headings and usage line of ``--help`` in Vietnamese (typer looks these words up when it formats)."""
    from kehoach.clickapi import Command, HelpFormatter, set_help_option, set_help_words

    def vietnamese(message: str) -> str:
        return _HELP_VN.get(message, message)

    set_help_words(vietnamese)
    if getattr(HelpFormatter.write_usage, "_kehoach", False):
        return
    plain = HelpFormatter.write_usage

    def write_usage(self: HelpFormatter, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[TÙY-CHỌN]").replace("COMMAND [ARGS]...", "LỆNH [ĐỐI-SỐ]...")
        plain(self, prog, args, "Cách dùng: " if prefix is None else prefix)

    write_usage._kehoach = True  # type: ignore[attr-defined]
    HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]

    def vietnamese_help_option(plain_help_option: Any) -> Callable[[list[str]], Callable[[Command], Command]]:
        def help_option(param_decls: list[str]) -> Callable[[Command], Command]:
            add = plain_help_option(param_decls)

            def apply(command: Command) -> Command:
                command = add(command)
                command.params[-1].help = "In trợ giúp này rồi thoát."  # type: ignore[attr-defined]
                return command

            return apply

        return help_option

    set_help_option(vietnamese_help_option)


# --- streams -----------------------------------------------------------------------------------------


def _ascii_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: 'Sở Tài chính' → 'So Tai chinh' when the terminal cannot show Vietnamese."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start : exc.end]:
        base = unicodedata.normalize("NFKD", ch.replace("đ", "d").replace("Đ", "D"))
        kept = "".join(c for c in base if ord(c) < 128 and not unicodedata.combining(c))
        out.append(kept or "?")
    return "".join(out), exc.end


codecs.register_error("kehoach-ascii", _ascii_fallback)


def _prepare_streams() -> None:
    """Streams that cannot encode Vietnamese fall back to plain letters instead of failing mid-answer."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "ạđ".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                with contextlib.suppress(ValueError, OSError):
                    reconfigure(errors="kehoach-ascii")


def _silence_stdout() -> None:
    """After stdout failed, point it at /dev/null so the interpreter's last flush cannot fail again."""
    try:
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (AttributeError, OSError, ValueError):
        pass


def _flush_stdout() -> None:
    if sys.stdout is not None:
        sys.stdout.flush()


def _debug() -> bool:
    return os.environ.get("KEHOACH_DEBUG", "") not in ("", "0")


# Written when memory or the stack ran out: fixed text, nothing to import or format on the way.
OUT_OF_MEMORY = (
    "kehoach: không đủ bộ nhớ để làm xong lệnh này (dữ liệu hoặc tệp đầu vào quá lớn)\n"
)
TOO_DEEP = "kehoach: dữ liệu lồng nhau quá sâu, không xử lý được\n"


def guarded(run: Callable[[], Any], finish: Callable[[int], int] = lambda code: code) -> int:
    """Run the command line; return its exit code. ``finish`` may raise the code (data loaded incomplete).

    Running out of memory or stack ends with a fixed message and exit 1, written only once the frames
    that held the memory are gone, with no import and no traceback (the error path must not need memory).
    """
    message = OUT_OF_MEMORY
    try:
        return _guarded(run, finish)
    except MemoryError:
        pass
    except RecursionError:
        message = TOO_DEEP
    _emit_raw(message)
    return 1


def _emit_raw(text: str) -> None:
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError, MemoryError, UnicodeError):
        pass


def _guarded(run: Callable[[], Any], finish: Callable[[int], int]) -> int:
    if sys.stdout is None:
        say("đầu ra chuẩn (stdout) đã đóng; không có chỗ ghi kết quả")
        return 1
    _prepare_streams()
    try:
        try:
            rv = run()
            code = rv if isinstance(rv, int) else 0
            _flush_stdout()
            return finish(code)
        except SystemExit as exc:  # click's own EPIPE handling ends this way
            _flush_stdout()
            return exc.code if isinstance(exc.code, int) else 1
    except click_exc.ClickException as exc:
        if _debug():
            import traceback

            traceback.print_exc()
        if isinstance(exc, click_exc.NoArgsIsHelpError):
            _emit(exc.format_message())
        elif isinstance(exc, click_exc.UsageError):
            _emit(usage_message(exc))
        else:
            say(exc.format_message())
        return 2 if isinstance(exc, click_exc.UsageError) else 1
    except typer.Abort:
        say("đã dừng")
        return 1
    except KeyboardInterrupt:
        say("đã dừng")
        return 130
    except BrokenPipeError:
        _silence_stdout()  # `kehoach … | head`: the reader has what it wanted
        return 1
    except OSError as exc:
        _report(exc)
        if exc.filename is None:
            _silence_stdout()
        return 1
    except UnicodeError as exc:
        _report(exc)
        return 1
    except (MemoryError, RecursionError):
        raise  # see guarded()
    except KehoachError as exc:  # after OSError: NotRegularFile and BatchError are described as file errors
        _report(exc)
        return exit_code_of(exc)
    except Exception as exc:
        _report(exc)
        return 1  # anything unforeseen: the files or the data, never success


def _report(exc: BaseException) -> None:
    if _debug():
        import traceback

        traceback.print_exc()
    if isinstance(exc, OSError):
        message = describe_oserror(exc)
        if exc.filename is None:
            message = "không ghi được kết quả ra đầu ra chuẩn: " + message.removeprefix("lỗi tệp: ")
    elif isinstance(exc, UnicodeEncodeError):
        message = f"không mã hóa được ký tự {exc.object[exc.start : exc.end]!r} ({exc.encoding}); dùng UTF-8"
    elif isinstance(exc, UnicodeDecodeError):
        message = f"tệp không phải UTF-8 ({exc.reason})"
    elif isinstance(exc, KehoachError):
        message = str(exc)
    else:
        message = (
            f"lỗi không lường trước ({type(exc).__name__}: {exc}); "
            "chạy lại với KEHOACH_DEBUG=1 để xem chi tiết và báo cho người phát triển"
        )
    say(message)


def _emit(text: str) -> None:
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(text + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass
