"""The bundle's "Reproduction study" section and its methods appendix (en/zh).

The section shows, for the latest study of the case: the frozen protocol with its trusted
time, the arms, the table of rates with 95 % intervals, the controls, the review method and
agreement, and the deviations from the protocol. Outputs are referred to by their exhibit
numbers (they are exhibits like any other output); nothing here is a chart. The methods
appendix is written from the same facts: what was tested, how, the error rates, the limits.

``pdf.Renderer`` calls :func:`render` and :func:`methods`; ``model.build_bundle`` calls
:func:`study_model`. Kept apart so the renderer's own statements can change independently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from app.core.case import Case

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

    from app.report.pdf import Renderer

ARM_NAMES = {
    "named": ("Test — names the character", "测试组（点名角色）"),
    "descriptive": ("Test — describes it without naming", "测试组（描述但不点名）"),
    "control": ("Control — unrelated subjects", "对照组（无关主题）"),
}
ARM_SHORT = {
    "named": ("test: named", "测试：点名"),
    "descriptive": ("test: described", "测试：描述"),
    "control": ("control", "对照"),
}
ANSWER_NAMES = {
    "similar": ("similar", "相似"),
    "not_similar": ("not similar", "不相似"),
    "unsure": ("unsure", "无法判断"),
}


def study_model(case: Case) -> dict[str, Any] | None:
    """The latest frozen study's report, or None when the case has none."""
    from app.capture.study.results import study_report
    from app.capture.study.study import list_studies, protocol_versions

    frozen = [s for s in list_studies(case) if protocol_versions(case, s.id)]
    if not frozen:
        return None
    return study_report(case, frozen[-1])


def _pct(fig: dict[str, Any]) -> str:
    if fig.get("rate") is None:
        return f"{fig['k']}/{fig['n']}"
    return f"{fig['k']}/{fig['n']} = {fig['rate'] * 100:.1f} %"


def _ci(fig: dict[str, Any]) -> str:
    if fig.get("low") is None:
        return "—"
    return f"{fig['low'] * 100:.1f} – {fig['high'] * 100:.1f} %"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _exhibits(r: Renderer, items: list[int]) -> str:
    refs = [r.bundle.item_exhibit.get(i) for i in items]
    shown = [str(x) for x in refs if x]
    text = ", ".join(shown[:30]) + ("…" if len(shown) > 30 else "")
    missing = len(refs) - len(shown)
    if missing:
        text += f" (+{missing} not exhibited)" if shown else f"{missing} not exhibited"
    return text or "—"


def render(r: Renderer) -> list[Flowable]:
    """The section: intro, design, rates, controls, review, deviations, outputs by label."""
    study: dict[str, Any] = r.bundle.study  # type: ignore[attr-defined]
    out: list[Flowable] = r.heading("study")
    out.extend(_design(r, study))
    out.extend(_rates(r, study))
    out.extend(_controls(r, study))
    out.extend(_review(r, study))
    out.extend(_deviations(r, study))
    out.extend(_outputs(r, study))
    return out


def _design(r: Renderer, study: dict[str, Any]) -> list[Flowable]:
    """The introduction and the key-value table of the design: protocol, platforms, runs."""
    from reportlab.platypus import Spacer

    from app.report.pdf import P, kv_table

    s, t, w = r.styles, r.lang.t, r.width
    p = study["protocol"]
    out: list[Flowable] = [
        P(
            t(
                "A prompt campaign run as a pre-registered experiment: the protocol below was frozen "
                "as an item and timestamped by a TSA before the first request; test and control "
                "prompts were sent in an order shuffled with the recorded seed; every output was "
                "compared with the works by the similarity engine and reviewed blind by people.",
                "按预先登记的实验方案执行的提示词批量测试：下列方案在首次请求之前作为证据文件固定并取得可信时间戳；"
                "测试与对照提示词按记录的随机种子打乱顺序发送；每张生成图片均由相似度引擎与作品比对，并由人工盲评。",
            ),
            s.small,
        ),
        Spacer(1, 4),
    ]
    out.append(
        kv_table(
            [
                (t("Study", "实验"), study["study"]["name"]),
                (t("Protocol versions", "方案版本"), _versions_text(r, p)),
                (
                    t("Platforms", "平台"),
                    "; ".join(
                        f"{x['profile']} {x['endpoint']} {x['model'] or ''}" for x in p["platforms"]
                    ),
                ),
                (
                    t("Design", "设计"),
                    t(
                        f"{len(p['prompts'])} prompts x {p['tries']} tries, order shuffled with seed {p['seed']}",
                        f"{len(p['prompts'])}条提示词 x 每条{p['tries']}次，按种子{p['seed']}打乱顺序",
                    ),
                ),
                (t("Works compared", "比对作品"), ", ".join(p["works"])),
                (
                    t("Control works (decoys)", "对照作品（诱饵）"),
                    ", ".join(p["control_works"]) or "—",
                ),
                (
                    t("Similarity method", "相似度方法"),
                    t(
                        f"engine {p['engine']}; an output matches when its band is {' or '.join(p['matching_bands'])}",
                        f"引擎{p['engine']}；相似度等级为{'或'.join(p['matching_bands'])}时计为相似",
                    ),
                ),
                (t("Runs", "执行"), _runs_text(r, study) or "—"),
            ],
            s,
            w,
        )
    )
    out.append(Spacer(1, 6))
    return out


def _versions_text(r: Renderer, p: dict[str, Any]) -> str:
    """Each protocol version with its item, hash, trusted time and reason, one line."""
    t = r.lang.t
    return "; ".join(
        f"v{v['version']}: item {v['item_id']}, SHA-256 {v['protocol_sha256'][:16]}…, "
        + t("TSA time ", "可信时间 ")
        + (r.lang.time(v["token_time"]) if v["token_time"] else t("none", "无"))
        + (f" — {v['reason']}" if v["reason"] else "")
        for v in p["versions"]
    )


def _runs_text(r: Renderer, study: dict[str, Any]) -> str:
    """Each campaign run: progress, first request, and whether the timestamp predates it."""
    t = r.lang.t
    return "; ".join(
        t(
            f"campaign {x['campaign_id']} under v{x['protocol_version']}: {x['done']}/{x['planned']} "
            f"requests done, {x['failed']} failed; first request {x['first_request_at'] or '—'}; "
            f"timestamp predates it: {'yes' if x['token_predates_first_request'] else 'NO'}",
            f"批量任务{x['campaign_id']}（方案v{x['protocol_version']}）：完成{x['done']}/{x['planned']}次请求，"
            f"失败{x['failed']}次；首次请求{x['first_request_at'] or '—'}；时间戳早于首次请求：{'是' if x['token_predates_first_request'] else '否'}",
        )
        for x in study["runs"]
    )


def _rates(r: Renderer, study: dict[str, Any]) -> list[Flowable]:
    """The results table: per arm, then per prompt, tool and reviewer rates with intervals."""
    from reportlab.platypus import Spacer

    from app.report.pdf import P, grid_table

    s, t, w = r.styles, r.lang.t, r.width
    p = study["protocol"]
    out: list[Flowable] = [P(t("Rates with 95 % intervals", "比例及95%置信区间"), s.h3)]
    method = t(
        "Wilson score" if p["interval"] == "wilson" else "exact Clopper–Pearson",
        "Wilson" if p["interval"] == "wilson" else "Clopper–Pearson精确",
    )
    rows: list[list[Any]] = []
    for a in study["per_arm"]:
        en, zh = ARM_NAMES[a["arm"]]
        rows.append([t(en, zh), _pct(a["tool"]), _ci(a["tool"]), _pct(a["human"]), _ci(a["human"])])
    for row in study["per_prompt"]:
        en, zh = ARM_NAMES[row["arm"]]
        rows.append(
            [
                P(
                    f"{row['prompt_id']} (v{row['protocol_version']}, {t(en, zh)}): {row['prompt']}",
                    s.cell,
                ),
                _pct(row["tool"]),
                _ci(row["tool"]),
                _pct(row["human"]),
                _ci(row["human"]),
            ]
        )
    out.append(
        grid_table(
            [
                t("Arm / prompt", "组别/提示词"),
                t("Tool: matching outputs", "工具：相似图片"),
                t("95 % interval", "95%区间"),
                t("Reviewer: similar", "人工：相似"),
                t("95 % interval", "95%区间"),
            ],
            rows,
            [w * 0.40, w * 0.15, w * 0.15, w * 0.15, w * 0.15],
            s,
        )
    )
    out.append(P(t(f"Intervals: {method}.", f"区间方法：{method}。"), s.tiny))
    out.append(Spacer(1, 6))
    return out


CONTROL_ROWS = (
    (
        "control_prompts",
        "Control prompts: outputs the tool matched to a work",
        "对照提示词：工具判为与作品相似的图片",
    ),
    (
        "control_works",
        "Control works: outputs the tool matched to a decoy work",
        "对照作品：工具判为与诱饵作品相似的图片",
    ),
    (
        "control_prompts_human_similar",
        "Control prompts: outputs the reviewer called similar",
        "对照提示词：评审判为相似的图片",
    ),
)


def _controls(r: Renderer, study: dict[str, Any]) -> list[Flowable]:
    """The controls table: how often the method calls an unrelated image a copy."""
    from reportlab.platypus import Spacer

    from app.report.pdf import P, grid_table

    s, t, w = r.styles, r.lang.t, r.width
    c = study["controls"]
    out: list[Flowable] = [
        P(
            t(
                "Controls: how often the method calls an unrelated image a copy",
                "对照：方法将无关图片判为相似的频率",
            ),
            s.h3,
        )
    ]
    rows = [
        [
            t(en, zh),
            _pct(c[key]),
            _ci(c[key]),
            _exhibits(r, c[key]["positive_items"]) if c[key]["k"] else "—",
        ]
        for key, en, zh in CONTROL_ROWS
    ]
    out.append(
        grid_table(
            [
                t("Control", "对照"),
                t("False matches", "误判"),
                t("95 % interval", "95%区间"),
                t("Outputs", "证据"),
            ],
            rows,
            [w * 0.45, w * 0.17, w * 0.17, w * 0.21],
            s,
        )
    )
    out.append(Spacer(1, 6))
    return out


def _review(r: Renderer, study: dict[str, Any]) -> list[Flowable]:
    """The review method, the reviewers, and agreement (tool vs reviewer, between reviewers)."""
    from reportlab.platypus import Spacer

    from app.report.pdf import P, kv_table

    s, t, w = r.styles, r.lang.t, r.width
    p = study["protocol"]
    th, ir = study["tool_human_agreement"], study["inter_rater"]
    tab = th["table"]
    out: list[Flowable] = [P(t("Review method and agreement", "评审方法及一致性"), s.h3)]
    out.append(
        kv_table(
            [
                (
                    t("Review", "评审"),
                    t(
                        "Each output was shown beside the compared work(s) without its prompt, arm or score, "
                        "under a neutral label, in an order shuffled per reviewer; answers: similar / not "
                        f"similar / unsure, with an optional note. Plan: {p['review_plan'] or '—'}",
                        "每张图片与比对作品并排显示，不显示提示词、组别或分数，使用中性编号，每位评审顺序单独打乱；"
                        f"回答：相似/不相似/无法判断，可附说明。方案：{p['review_plan'] or '—'}",
                    ),
                ),
                (t("Reviewers", "评审人"), ", ".join(study["reviewers"]) or t("none yet", "尚无")),
                (
                    t("Tool vs first reviewer", "工具与第一评审"),
                    t(
                        f"n = {th['n']} (unsure left out); both similar {tab['match_similar']}, both not {tab['no_match_not_similar']}, "
                        f"tool only {tab['match_not_similar']}, reviewer only {tab['no_match_similar']}; "
                        f"agreement {_num(th['observed'])}, Cohen's kappa {_num(th['kappa'])}",
                        f"n = {th['n']}（不含无法判断）；均判相似{tab['match_similar']}，均判不相似{tab['no_match_not_similar']}，"
                        f"仅工具判相似{tab['match_not_similar']}，仅评审判相似{tab['no_match_similar']}；"
                        f"一致率{_num(th['observed'])}，Cohen's kappa {_num(th['kappa'])}",
                    ),
                ),
                (
                    t("Between reviewers", "评审间一致性"),
                    t(
                        f"{' & '.join(ir['reviewers']) or '—'}: n = {ir['n']}, agreement {_num(ir['observed'])}, "
                        f"Cohen's kappa {_num(ir['kappa'])}",
                        f"{' & '.join(ir['reviewers']) or '—'}：n = {ir['n']}，一致率{_num(ir['observed'])}，"
                        f"Cohen's kappa {_num(ir['kappa'])}",
                    ),
                ),
            ],
            s,
            w,
        )
    )
    out.append(Spacer(1, 6))
    return out


def _deviations(r: Renderer, study: dict[str, Any]) -> list[Flowable]:
    """The deviations from the protocol, one bullet each, or "None recorded."."""
    from reportlab.platypus import Spacer

    from app.report.pdf import P

    s, t = r.styles, r.lang.t
    out: list[Flowable] = [P(t("Deviations from the protocol", "与方案的偏离"), s.h3)]
    if study["deviations"]:
        for en, zh in zip(study["deviations"], study["deviations_zh"], strict=True):
            out.append(P(f"• {t(en, zh)}", s.small))
    else:
        out.append(P(t("None recorded.", "无记录。"), s.small))
    out.append(Spacer(1, 6))
    return out


def _outputs(r: Renderer, study: dict[str, Any]) -> list[Flowable]:
    """Every output by its blind label: exhibit, prompt and try, arm, tool band, reviews."""
    from app.report.pdf import P, grid_table

    s, t, w = r.styles, r.lang.t, r.width
    out: list[Flowable] = [
        P(t("Outputs (exhibits) by blind label", "生成图片（证据）按盲评编号"), s.h3)
    ]
    rows = []
    for o in sorted(study["outputs"], key=lambda o: o["label"]):
        answers = "; ".join(
            f"{name}: {t(*ANSWER_NAMES[a['answer']])}" + (f" ({a['note']})" if a["note"] else "")
            for name, a in o["reviews"].items()
        )
        rows.append(
            [
                o["label"],
                _exhibits(r, [o["item_id"]]),
                f"{o['prompt_id']} / {o['try']}",
                t(*ARM_SHORT[o["arm"]]),
                o["tool_band"] or "—",
                answers or "—",
                str(o["match_seq"] or "—"),
            ]
        )
    out.append(
        grid_table(
            [
                t("Label", "编号"),
                t("Exhibit", "证据"),
                t("Prompt / try", "提示词/次"),
                t("Arm", "组别"),
                t("Tool band", "工具等级"),
                t("Reviews", "评审"),
                t("Match event", "比对记录"),
            ],
            rows,
            [w * 0.08, w * 0.1, w * 0.12, w * 0.12, w * 0.1, w * 0.36, w * 0.12],
            s,
        )
    )
    return out


def methods_blocks(study: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The methods appendix as (kind, text) blocks, written from the study's facts."""
    facts = _MethodsFacts.of(study)
    return _methods_zh(study, facts) if lang == "zh" else _methods_en(study, facts)


class _MethodsFacts(NamedTuple):
    """The figures both languages of the methods appendix are written from."""

    p: dict[str, Any]
    arms: dict[str, Any]
    c: dict[str, Any]
    th: dict[str, Any]
    ir: dict[str, Any]
    counts: dict[str, int]
    first: dict[str, Any]
    n_out: int

    @classmethod
    def of(cls, study: dict[str, Any]) -> _MethodsFacts:
        p = study["protocol"]
        return cls(
            p=p,
            arms={a["arm"]: a for a in study["per_arm"]},
            c=study["controls"],
            th=study["tool_human_agreement"],
            ir=study["inter_rater"],
            counts={a: sum(1 for x in p["prompts"] if x["arm"] == a) for a in ARM_NAMES},
            first=p["versions"][0] if p["versions"] else {},
            n_out=len(study["outputs"]),
        )


def _methods_zh(study: dict[str, Any], f: _MethodsFacts) -> list[tuple[str, str]]:
    """The Chinese methods appendix: what was tested, how, results and error rates, limits."""
    p, arms, c, th, ir, counts, first, n_out = f
    return [
        ("heading", "一、测试内容"),
        (
            "body",
            f"本实验检验平台（{'；'.join(x['profile'] + ' ' + x['endpoint'] for x in p['platforms'])}）在收到点名角色的提示词"
            f"（{counts['named']}条）或仅描述角色特征的提示词（{counts['descriptive']}条）时，是否生成与作品"
            f"（{'、'.join(p['works'])}）实质性相似的图片；另设{counts['control']}条无关主题的对照提示词及"
            f"{len(p['control_works'])}件无关的登记作品作为诱饵。每条提示词请求{p['tries']}次，共得到{n_out}张图片。",
        ),
        ("heading", "二、方法"),
        (
            "body",
            f"实验方案在首次请求之前固定为证据文件（第{first.get('version', '—')}版，SHA-256 {first.get('protocol_sha256', '—')}），"
            + (
                f"并由时间戳服务机构签发可信时间（{first['token_time']}）"
                if first.get("token_time")
                else "但未取得可信时间戳（见偏离之处）"
            )
            + "；方案之后的任何修改均作为新版本记录并说明理由。"
            f"请求顺序由记录的随机种子{p['seed']}打乱，测试与对照交错。每次请求与回复均完整记录，图片与请求绑定并分批申请可信时间戳（各证据页显示其时间戳）。"
            f"相似度由引擎{p['engine']}判定，等级为{'或'.join(p['matching_bands'])}时计为相似。"
            "人工评审在不知道提示词、组别和分数的情况下将每张图片与作品并排比较，回答相似、不相似或无法判断。"
            f"比例的95%置信区间按{'Wilson' if p['interval'] == 'wilson' else 'Clopper–Pearson精确'}方法计算（SciPy）。",
        ),
        ("heading", "三、结果与误差率"),
        (
            "body",
            f"点名提示词的相似比例为{_pct(arms['named']['tool'])}（95%区间{_ci(arms['named']['tool'])}）；"
            f"描述提示词为{_pct(arms['descriptive']['tool'])}（{_ci(arms['descriptive']['tool'])}）。"
            f"工具在对照提示词上的误判率为{_pct(c['control_prompts'])}（{_ci(c['control_prompts'])}），"
            f"对诱饵作品的误判率为{_pct(c['control_works'])}（{_ci(c['control_works'])}）。"
            f"工具与第一评审的一致性kappa为{_num(th['kappa'])}（n={th['n']}）；两位评审之间的kappa为{_num(ir['kappa'])}（n={ir['n']}）。",
        ),
        ("heading", "四、局限"),
        (
            "body",
            "样本量有限，区间宽度反映了这一点；结果只适用于所测平台、模型、参数和测试时间；相似度等级是技术判断，"
            "不等同于法律上的实质性相似认定；评审人数及其独立性见上表。"
            + (
                f"偏离方案之处：{''.join(study['deviations_zh'])}"
                if study["deviations_zh"]
                else "未记录偏离方案之处。"
            ),
        ),
    ]


def _methods_en(study: dict[str, Any], f: _MethodsFacts) -> list[tuple[str, str]]:
    """The English methods appendix: what was tested, how, results and error rates, limits."""
    p, arms, c, th, ir, counts, first, n_out = f
    return [
        ("heading", "1. What was tested"),
        (
            "body",
            f"Whether the platform ({'; '.join(x['profile'] + ' ' + x['endpoint'] for x in p['platforms'])}) produces images "
            f"similar to the works {', '.join(p['works'])} when prompted with the character's name "
            f"({counts['named']} prompt(s)) or with descriptions that do not name it ({counts['descriptive']}), "
            f"against {counts['control']} control prompt(s) on unrelated subjects and {len(p['control_works'])} "
            f"unrelated registered work(s) used as decoys. Each prompt was sent {p['tries']} time(s); {n_out} "
            "output(s) were received.",
        ),
        ("heading", "2. How"),
        (
            "body",
            f"The protocol was frozen as an item before the first request (version {first.get('version', '—')}, "
            f"SHA-256 {first.get('protocol_sha256', '—')}) "
            + (
                f"and timestamped by a TSA at {first['token_time']}; "
                if first.get("token_time")
                else "but not timestamped by a TSA (see the deviations); "
            )
            + "any later change is a new, logged version with its reason. The requests were sent in an order "
            f"shuffled with the recorded seed {p['seed']}, test and control interleaved. Every exchange was recorded, "
            "outputs were bound to their requests and queued for trusted timestamps in batches (each exhibit "
            "shows its own). Similarity: engine "
            f"{p['engine']}; an output matches when its band is {' or '.join(p['matching_bands'])}. People reviewed "
            "each output beside the work(s) without seeing its prompt, arm or score, answering similar, not similar "
            "or unsure. 95 % intervals: "
            f"{'Wilson score' if p['interval'] == 'wilson' else 'exact Clopper–Pearson'} (SciPy).",
        ),
        ("heading", "3. Results and error rates"),
        (
            "body",
            f"Named prompts: {_pct(arms['named']['tool'])} of outputs matched (95 % interval {_ci(arms['named']['tool'])}); "
            f"descriptive prompts: {_pct(arms['descriptive']['tool'])} ({_ci(arms['descriptive']['tool'])}). "
            f"False-match rate on control prompts: {_pct(c['control_prompts'])} ({_ci(c['control_prompts'])}); on "
            f"control works: {_pct(c['control_works'])} ({_ci(c['control_works'])}). Agreement of the tool with the "
            f"first reviewer: kappa {_num(th['kappa'])} (n = {th['n']}); between reviewers: kappa {_num(ir['kappa'])} "
            f"(n = {ir['n']}).",
        ),
        ("heading", "4. Limits"),
        (
            "body",
            "The sample is small and the intervals show it; the results hold for the platform, model, parameters and "
            "dates tested; the similarity band is a technical measure, not a finding of substantial similarity in "
            "law; the number and independence of reviewers are stated above. "
            + (
                f"Deviations: {'; '.join(study['deviations'])}"
                if study["deviations"]
                else "No deviation from the protocol was recorded."
            ),
        ),
    ]


def methods(r: Renderer) -> list[Flowable]:
    from reportlab.platypus import PageBreak, Spacer

    from app.report.pdf import P, Styles

    study: dict[str, Any] = r.bundle.study  # type: ignore[attr-defined]
    out: list[Flowable] = r.heading("appendix-study-methods")
    langs = [x for x, on in (("en", r.lang.en), ("zh", r.lang.zh)) if on]
    for i, lang in enumerate(langs):
        s = Styles.cjk(r.styles) if lang == "zh" else r.styles
        if i:
            out.append(PageBreak())
        for kind, text in methods_blocks(study, lang):
            out.append(P(text, s.h3 if kind == "heading" else s.body))
            out.append(Spacer(1, 3))
    return out
