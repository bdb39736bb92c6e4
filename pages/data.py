"""Data: raw and computed tables, downloads (CSV, Excel with a methodology sheet, Parquet), and
upload of the user's own data and framework (validated; used for this session only)."""

import streamlit as st

from indicators import Config
from indicators.download import file_stem
from ui import context, loaders, views
from ui import problems as problem_view
from ui.i18n import t
from ui.safe import md

ctx = context.current()
lang, fw, year = ctx.lang, ctx.dataset.framework, ctx.year
names = views.names_map(ctx.dataset.units, lang)

# 1. Title
st.title(t("page_data", lang))
st.caption(f"{t('data_source', lang)}: {md(ctx.dataset.label(lang))}")

# 2. Tables
result = loaders.result(ctx.build)


def code_table(frame) -> None:
    """A table whose columns are framework codes: headers are names in the page language, the
    code (and unit) in each header's help; a missing value shows as "—"."""
    labels = views.column_labels(fw, frame.columns, lang)
    st.dataframe(
        views.shown(views.with_names(frame, names, lang, context.lt("city", ctx))),
        hide_index=True,
        width="stretch",
        column_config={
            column: st.column_config.Column(label, help=help_)
            for column, (label, help_) in labels.items()
        },
    )


raw_tab, computed_tab = st.tabs([t("raw_table", lang), t("computed_table", lang)])
with raw_tab:
    code_table(result.raw)
    st.caption(t("raw_note", lang))
    in_year = result.raw["year"] == year
    notes = views.missing_notes(
        result, fw, result.raw.loc[in_year, "adcode"], year, names, lang, ctx.dataset.notes
    )
    if notes:  # why a cell shows "—" (for the year chosen in the sidebar)
        st.caption(
            t("missing_year_note", lang, year=year) + " " + t("list_sep", lang).join(map(md, notes))
        )
with computed_tab:
    code_table(result.scores)
    st.caption(t("computed_note", lang))

# 3. Downloads: the view's build (group, year, methods, weights), every column named in full,
# with the recipe that reproduces it (here, or with python -m indicators compute --recipe)
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel", "parquet": "Parquet"}
st.subheader(t("download", lang))
group = context.group_name(ctx.dataset, ctx.selections, lang)
stem = file_stem(group, year, custom=ctx.config != Config())
recipe = loaders.recipe_of(ctx.build, ctx.dataset, ctx.selections)
cols = st.columns(4)
for column, fmt, mime in (
    (cols[0], "csv", "text/csv"),
    (cols[1], "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (cols[2], "parquet", "application/octet-stream"),
):
    column.download_button(
        f"{t('download', lang)} {FORMAT_NAMES[fmt]}",
        loaders.export_bytes(result, fmt, year, group, recipe),
        file_name=f"{stem}.{fmt}",
        mime=mime,
        key=f"dl_{fmt}",
        on_click="ignore",
        icon=":material/download:",
    )
cols[3].download_button(
    t("download_recipe", lang),
    recipe.to_json(),
    file_name=f"{stem}.recipe.json",
    mime="application/json",
    key="dl_recipe",
    on_click="ignore",
    icon=":material/receipt_long:",
)
st.caption(t("download_note", lang, year=year))

# 4. Upload your own data
st.subheader(t("upload_title", lang))
st.markdown(t("upload_help", lang))
data_file = st.file_uploader(t("upload_data", lang), type=["csv", "xlsx", "parquet"], key="up_data")
framework_file = st.file_uploader(t("upload_framework", lang), type=["csv", "xlsx"], key="up_fw")
units_file = st.file_uploader(t("upload_units", lang), type=["csv", "xlsx"], key="up_units")
if st.button(
    t("use_upload", lang), type="primary", disabled=data_file is None or framework_file is None
):
    line = st.empty()

    def progress(seconds: float) -> None:
        """A progress line. Streamlit stops the script at its next update when the visitor
        leaves (closing the tab requests a stop) or acts again; the check's process goes too."""
        line.caption(t("checking_upload", lang, seconds=f"{seconds:.0f}"))

    dataset, problems = loaders.dataset_from_upload(
        data_file, framework_file, units_file, progress=progress
    )
    line.empty()
    if problems is not None:
        st.error(t("upload_problems", lang, n=len(problems)))
        shown_problems, untranslated = problem_view.localised(problems, lang)
        st.dataframe(
            views.shown(shown_problems),
            hide_index=True,
            width="stretch",
            column_config={
                "file": st.column_config.TextColumn(t("problem_file", lang)),
                "row": st.column_config.NumberColumn(t("problem_row", lang), format="%d"),
                "column": st.column_config.TextColumn(t("problem_column", lang)),
                "problem": st.column_config.TextColumn(t("problem_text", lang), width="large"),
            },
        )
        if untranslated:  # engine messages without a Chinese rendering stay as written
            st.caption(t("problems_untranslated", lang, n=untranslated))
    else:
        st.session_state["uploaded_dataset"] = dataset
        st.rerun()
if isinstance(st.session_state.get("uploaded_dataset"), loaders.Dataset):
    st.success(t("upload_active", lang))
    for message in ctx.dataset.messages:  # what validation noted but did not refuse
        st.info(md(problem_view.translate(message, lang)[0]), icon=":material/info:")
    if st.button(t("back_to_bundled", lang)):
        del st.session_state["uploaded_dataset"]
        st.rerun()

# 5. Load a recipe: the peer group, year, methods and weights of a saved build
notice = st.session_state.pop("_recipe_notice", None)
if notice is not None:  # after the rerun that applied it
    st.success(t(notice[0], lang, **notice[1]), icon=":material/check:")
with st.expander(t("recipe_title", lang), icon=":material/receipt_long:"):
    st.markdown(t("recipe_help", lang))
    recipe_file = st.file_uploader(t("recipe_upload", lang), type=["json"], key="up_recipe")
    if st.button(t("recipe_apply", lang), disabled=recipe_file is None, key="apply_recipe"):
        ok, (key, fields) = context.apply_recipe(
            ctx.dataset, ctx.options, recipe_file.getvalue(), str(recipe_file.name)
        )
        if ok:
            st.session_state["_recipe_notice"] = (key, fields)
            st.rerun()
        if key == "recipe_other_data":
            fields = {
                "parts": t("list_sep", lang).join(t(f"part_{p}", lang) for p in fields["parts"])
            }
        st.error(t(key, lang, **fields), icon=":material/block:")
