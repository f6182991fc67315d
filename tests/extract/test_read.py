import codecs

import pytest

from extract.read import clean, decode, iter_input_files, read_document
from graph.errors import InputError
from tests.conftest import BAICHENG, EXAMPLES

PLAN = "诸暨市教育体育局\n2024年3月20日\n1.实施“国培计划”。\n"


@pytest.mark.parametrize(
    "data,encoding",
    [
        (PLAN.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + PLAN.encode("utf-8"), "utf-8-sig"),
        (PLAN.encode("gb18030"), "gb18030"),
        (PLAN.encode("gbk"), "gb18030"),
        (codecs.BOM_UTF16_LE + PLAN.encode("utf-16-le"), "utf-16"),
    ],
)
def test_encodings_are_detected(data, encoding):
    text, found = decode(data)
    assert text.lstrip("\ufeff") == PLAN
    assert found == encoding


def test_gbk_file_reads_like_utf8(tmp_path):
    utf8 = BAICHENG.read_text(encoding="utf-8")
    gbk = tmp_path / "b.txt"
    gbk.write_bytes(utf8.encode("gb18030"))
    assert read_document(gbk).text == read_document(BAICHENG).text
    assert read_document(gbk).encoding == "gb18030"


@pytest.mark.parametrize(
    "data,needle",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02PK\x03\x04" * 100, "binary"),
        (bytes(range(0x80, 0x100)) * 50, "encoding"),
    ],
)
def test_bad_bytes_give_one_clear_error(data, needle):
    with pytest.raises(InputError) as info:
        decode(data, name="x.txt")
    message = str(info.value)
    assert needle in message and "\n" not in message
    assert message.startswith("x.txt")


def test_page_chrome_is_not_content():
    text = read_document(BAICHENG).text
    assert "登录" not in text and "注册" not in text
    assert "此件公开发布" not in text
    assert "政府信息公开专栏 >>" not in text
    # metadata lines stay for the structure stage
    assert "发文机关" in text


def test_chrome_lines_only_whole_lines():
    kept = clean("1.完善学生登录注册系统。\n【打印】 【关闭】\n")
    assert "登录注册系统" in kept and "打印" not in kept


def test_directories_expand_and_missing_paths_fail(tmp_path):
    assert [p.name for p in iter_input_files([EXAMPLES])] == sorted(p.name for p in EXAMPLES.glob("*.txt"))
    with pytest.raises(InputError, match="no such file"):
        list(iter_input_files([tmp_path / "nope.txt"]))
    with pytest.raises(InputError, match=r"no plan files"):
        list(iter_input_files([tmp_path]))


def _slow_looks_like_text(text: str) -> bool:
    import unicodedata

    sample = text[:20000]
    if not sample:
        return False
    bad = sum(
        1
        for ch in sample
        if (unicodedata.category(ch) in {"Cc", "Co", "Cn"} and ch not in "\n\r\t\f") or ch == "\ufffd"
    )
    return bad / len(sample) < 0.02


def test_text_check_shortcut_agrees_with_the_full_count():
    """The printable shortcut never accepts what counting bad characters would reject."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from extract.read import _looks_like_text

    chars = st.sampled_from(
        [
            *"国培计划 \n\r\t\f\v\u3000\u00a0a1。",
            "\x00",
            "\x07",
            "\x85",
            "\ue000",
            "\U000f0000",
            "\u0378",
            "\ufffd",
            "\u200b",
        ]
    )

    @settings(max_examples=500, deadline=None)
    @given(st.text(alphabet=chars, max_size=120))
    def check(text):
        assert _looks_like_text(text) == _slow_looks_like_text(text)

    check()
