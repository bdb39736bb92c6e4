from ui.safe import md, plain


def test_md_neutralises_markup():
    assert md("![x](http://e/a.png)") == "\\!\\[x\\]\\(http\\:\u2060//e/a\\.png\\)"
    assert "<" not in md("<script>") and md("<b>") == "&lt;b&gt;"
    assert md("上海市") == "上海市"
    assert md("Taizhou (Jiangsu)") == "Taizhou \\(Jiangsu\\)"


def test_plain_escapes_tags_only():
    assert plain("<img src=x>") == "&lt;img src=x&gt;"
    assert plain("Ma'anshan (A&B)") == "Ma'anshan (A&amp;B)"
