// The appraisal page: a proposal form whose every edit re-runs the appraisal in the
// browser (tcrules compiled to WebAssembly) and shows the verdict, each finding and the
// evaluations the proposal's dates and budget imply. The rules live in the module; this
// file only edits the proposal and shows the answers.
import init, { Policy } from "./pkg/tcrules_wasm.js";
import { NUMBER, download as save, escapeRegExp as escape, h, shownAmount, svg } from "./common.js";

const EXAMPLES = [
  { file: "ready.json", label: "Pay equity, Jordan", outcome: "passes", tag: "passes" },
  { file: "fails-tripartism.json", label: "Equal opportunities, Morocco", outcome: "fails on tripartism", tag: "fails: tripartism" },
  { file: "fails-gender.json", label: "Rights at work, Myanmar", outcome: "fails on gender mainstreaming", tag: "fails: gender" },
];
const EDITIONS = ["what-if-1m.json"];
const DRAFT_KEY = "tcrules.draft";

const STAGES = [
  ["needs_assessment", "Needs assessment"], ["design", "Design"], ["implementation", "Implementation"],
  ["monitoring", "Monitoring"], ["evaluation", "Evaluation"],
];
const CONSTITUENTS = [
  ["government", "Government"], ["employers", "Employers' organizations"], ["workers", "Workers' organizations"],
];
const PURPOSES = [
  ["general", "General"], ["capacity_building", "Capacity building"], ["gender", "Gender-specific"],
  ["monitoring", "Monitoring"], ["evaluation", "Evaluation"],
];
const EVALUATION_KINDS = [
  ["final", "Final evaluation"], ["mid_term", "Mid-term evaluation"], ["annual_review", "Annual review"],
  ["mid_term_review", "Mid-term review"], ["ex_post", "Ex-post evaluation"],
];
const INDEPENDENCE = [
  ["self_evaluation", "Self-evaluation"], ["internal_independent", "Independent internal"], ["external", "External"],
];
const GOVERNANCE = [
  ["", "Not stated"], ["tripartite_committee", "Tripartite steering or advisory committee"],
  ["social_dialogue_institution", "Existing social dialogue institution"], ["non_tripartite", "Non-tripartite body"],
];
const VERDICTS = {
  ready: ["Ready", "No blocking or major check fails: ready for approval and submission to donors."],
  revise: ["Revise", "A blocking or major check fails on the facts given."],
  not_appraisable: ["Not appraisable", "Checks could not be run: required fields are missing."],
};
const STATUS = { fail: "Fail", warning: "Warning", pass: "Pass", not_applicable: "Not applicable" };
/** The form card each check reads, for the badges on the cards. */
const CARD_OF_RULE = {
  "APR-NEEDS": "needs", "APR-RBM": "results", "APR-ME": "evaluation_plan",
  "APR-TRI-CONSULT": "constituents", "APR-TRI-BUREAUX": "constituents", "APR-TRI-GOVERNANCE": "constituents",
  "APR-TRI-ROLES": "constituents", "APR-TRI-CAPACITY": "constituents", "APR-TRI-AUTONOMY": "constituents",
  "APR-GEN-ANALYSIS": "gender", "APR-GEN-INDICATORS": "results", "APR-GEN-MARKER": "gender",
  "APR-GEN-BUDGET": "budget", "APR-SUS": "sustainability", "APR-PPP": "partnership",
};
/** New rows, by the name of the list they are added to. */
const NEW_ROW = {
  budget: () => ({ label: "", purpose: "general", amount: { amount: "0", currency: "USD" } }),
  outcomes: () => ({ statement: "", outputs: [], indicators: [] }),
  indicators: () => ({ name: "" }),
  risks: () => ({ description: "" }),
  planned: () => ({ kind: "final", independence: "external" }),
};

const $ = (id) => document.getElementById(id);
const state = {
  proposal: { id: "", title: "" }, rates: "", policy: null, last: null, problems: "[]", openFacts: new Set(),
};

// ---------------------------------------------------------------------------------------
// Small DOM and path helpers

const keys = (path) => path.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k));
const get = (path) => keys(path).reduce((o, k) => o?.[k], state.proposal);

/** Sets (or, for `undefined`, removes) the value at `path`, creating what lies on the way. */
function set(path, value) {
  const ks = keys(path);
  const last = ks.pop();
  let o = state.proposal;
  ks.forEach((k, i) => {
    if (o[k] === null || typeof o[k] !== "object") o[k] = typeof (ks[i + 1] ?? last) === "number" ? [] : {};
    o = o[k];
  });
  if (value !== undefined) o[last] = value;
  else if (Array.isArray(o)) o.splice(last, 1);
  else delete o[last];
}

/** `results.outcomes[0].indicators[1]` (a path in findings and errors) as a form path. */
const formPath = (path) => path.replace(/\[(\d+)\]/g, ".$1");
const controlId = (path) => `f-${path.replaceAll(".", "-")}`;

/**
 * An amount as the officer wrote it, as the decimal string the module reads: the page
 * locale's digits (`248.000,00` in German), or with a decimal point and comma groups
 * (`248,000.00`) or none (`248000.00`); spaces and apostrophes between digit groups are
 * ignored. `null` for text that is not an amount, "" for none.
 */
function amountText(text) {
  const t = text.trim().replace(/[\s\u00a0\u202f'\u2019]/g, "");
  if (t === "") return "";
  const { decimal, group } = NUMBER;
  const d = escape(decimal);
  const g = /\s/.test(group) || group === "\u2019" || group === "'" ? "" : escape(group);
  const forms = [
    // The locale's form, grouped or not.
    [new RegExp(`^-?\\d{1,3}(${g || "(?!)"}\\d{3})*(${d}\\d+)?$`), true],
    [new RegExp(`^-?\\d+(${d}\\d+)?$`), true],
    // A decimal point, with comma groups or none, whatever the locale.
    [/^-?\d{1,3}(,\d{3})*(\.\d+)?$/, false],
    [/^-?\d+(\.\d+)?$/, false],
  ];
  for (const [form, local] of forms) {
    if (!form.test(t)) continue;
    return local ? t.split(group).join("").replace(decimal, ".") : t.replaceAll(",", "");
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Form controls. Each carries its proposal path in data-path and how to read it in
// data-type; one delegated listener writes edits back into the proposal.

function control(path, type, attrs = {}) {
  const id = controlId(path);
  const value = get(path);
  const data = { path, type };
  switch (type) {
    case "lines":
      return h("textarea", { id, data, rows: attrs.rows ?? 2, value: (value ?? []).join("\n"), ...attrs });
    case "long":
      return h("textarea", { id, data, rows: attrs.rows ?? 2, value: value ?? "", ...attrs });
    case "bool":
      return h("input", { id, data, type: "checkbox", checked: Boolean(value), ...attrs });
    case "date":
      return h("input", {
        id, data, type: "text", value: value ?? "", inputmode: "numeric", spellcheck: "false",
        placeholder: "YYYY-MM-DD", maxlength: 10, ...attrs,
      });
    case "amount":
      return h("input", {
        id, data, type: "text", value: shownAmount(value), inputmode: "decimal", spellcheck: "false", ...attrs,
      });
    default:
      return h("input", { id, data, type: "text", value: value ?? "", ...attrs });
  }
}

function field(label, path, type = "text", { hint, wide, ...attrs } = {}) {
  const hintId = hint && `${controlId(path)}-hint`;
  return h("div", { class: `field${wide ? " wide" : ""}` },
    h("label", { for: controlId(path) }, label),
    control(path, type, { "aria-describedby": hintId, ...attrs }),
    hint && h("p", { class: "hint", id: hintId }, hint));
}

function check(label, path, attrs = {}) {
  return h("label", { class: "check" }, control(path, "bool", attrs), h("span", {}, label));
}

function select(label, path, options, { type = "select", hidden, wide } = {}) {
  const value = get(path);
  const id = controlId(path);
  const el = h("select", { id, data: { path, type } },
    options.map(([v, text]) => h("option", { value: v, selected: String(value ?? "") === v }, text)));
  return h("div", { class: `field${wide ? " wide" : ""}` }, h("label", { for: id, class: hidden ? "sr-only" : null }, label), el);
}

function card(key, title, intro, ...body) {
  return h("section", { class: "card", data: { card: key }, "aria-labelledby": `card-${key}` },
    h("header", { class: "card-head" },
      h("h2", { id: `card-${key}` }, title),
      h("span", { class: "badge", data: { badge: key } })),
    intro && h("p", { class: "intro" }, intro),
    ...body);
}

/** Text for screen readers only: the row a repeated column label belongs to. */
const sr = (text) => h("span", { class: "sr-only" }, text);

const addButton = (list, text) => h("button", { type: "button", class: "add", data: { add: list } }, `+ ${text}`);
const removeButton = (path, what) =>
  h("button", { type: "button", class: "remove", data: { remove: path }, "aria-label": `Remove ${what}`, title: `Remove ${what}` }, "×");

// ---------------------------------------------------------------------------------------
// The form

function renderForm() {
  const p = state.proposal;
  const form = $("proposal");
  const focused = document.activeElement?.dataset?.path;
  form.replaceChildren(
    card("proposal", "Proposal", null,
      h("div", { class: "grid" },
        field("Proposal id", "id", "text", { required: true }),
        field("Title", "title", "text", { required: true, wide: true }),
        field("Country", "country"),
        field("Start date", "start", "date"),
        field("End date", "end", "date"))),

    card("budget", "Budget", "Budget lines; their US-dollar sum is the proposal's budget. Money is exact: amounts are decimal strings.",
      h("div", { class: "rows", role: "list" },
        (p.budget ?? []).map((_, i) => {
          const at = `budget.${i}`;
          return h("div", { class: "row budget-row", role: "listitem" },
            field([sr(`Budget line ${i + 1}, `), "Label"], `${at}.label`, "text", { required: true }),
            select([sr(`Budget line ${i + 1}, `), "Purpose"], `${at}.purpose`, PURPOSES),
            field([sr(`Budget line ${i + 1}, `), "Amount"], `${at}.amount.amount`, "amount"),
            field([sr(`Budget line ${i + 1}, `), "Currency"], `${at}.amount.currency`, "text", { maxlength: 3, class: "currency" }),
            removeButton(at, `budget line ${i + 1}`));
        })),
      addButton("budget", "Add budget line"),
      h("div", { class: "field wide" },
        h("label", { for: "rates" }, "Exchange rates"),
        h("textarea", { id: "rates", rows: 1, value: state.rates, placeholder: "EUR 1.08", "aria-describedby": "rates-hint" }),
        h("p", { class: "hint", id: "rates-hint" }, "For lines in other currencies: one per line, US dollars per unit, e.g. EUR 1.08."))),

    card("needs", "Needs", "Links to the Programme and Budget and to the Decent Work Country Programme (DC; R6 §72–74).",
      h("div", { class: "grid" },
        field("P&B outcome", "needs.pb_outcome", "text", { wide: true }),
        select("Country has a DWCP", "needs.country_has_dwcp", [["", "Not stated"], ["true", "Yes"], ["false", "No"]], { type: "boolselect" }),
        field("DWCP outcome or priority", "needs.dwcp_outcome", "text", { wide: true }),
        field("National development framework", "needs.national_framework", "text", { wide: true, hint: "Where the country has no DWCP: UNDAF, poverty reduction strategy…" }))),

    card("results", "Results framework", "Objective, outcomes with outputs and indicators, risks and assumptions (results-based management).",
      field("Development objective", "results.objective", "long", { wide: true }),
      (p.results?.outcomes ?? []).map((o, i) => outcome(o, i)),
      addButton("results.outcomes", "Add outcome"),
      h("h3", {}, "Risks"),
      h("div", { class: "rows", role: "list" },
        (p.results?.risks ?? []).map((_, i) => h("div", { class: "row risk-row", role: "listitem" },
          field([sr(`Risk ${i + 1}, `), "Risk"], `results.risks.${i}.description`, "text", { required: true }),
          field([sr(`Risk ${i + 1}, `), "Mitigation"], `results.risks.${i}.mitigation`),
          removeButton(`results.risks.${i}`, `risk ${i + 1}`)))),
      addButton("results.risks", "Add risk"),
      field("Assumptions", "results.assumptions", "lines", { wide: true, hint: "One per line." })),

    card("evaluation_plan", "Monitoring and evaluation plan", "The evaluations and reviews planned, who carries them out, and their budget (R6 §143, §150).",
      h("div", { class: "rows", role: "list" },
        (p.evaluation_plan?.planned ?? []).map((_, i) => {
          const at = `evaluation_plan.planned.${i}`;
          const n = () => sr(`Evaluation ${i + 1}, `);
          return h("div", { class: "row planned-row", role: "listitem" },
            select([n(), "Kind"], `${at}.kind`, EVALUATION_KINDS),
            select([n(), "Carried out by"], `${at}.independence`, INDEPENDENCE),
            field([n(), "Due"], `${at}.due`, "date"),
            field([n(), `Budget (${get(`${at}.budget.currency`) ?? "USD"})`], `${at}.budget.amount`, "amount"),
            removeButton(at, `evaluation ${i + 1}`));
        })),
      addButton("evaluation_plan.planned", "Add evaluation"),
      check("A mid-term review is agreed in the plan (projects over 30 months)", "evaluation_plan.mid_term_review_agreed"),
      field("How constituents take part in evaluation", "evaluation_plan.constituent_participation", "long", { wide: true })),

    card("constituents", "Constituents' involvement", "Tripartism: who took part in which stage, consultation of the Bureaux, oversight and capacity (R6 §67–68, §139, §305).",
      h("table", { class: "stages reflow" },
        h("caption", { class: "sr-only" }, "Stages of the project cycle each constituent takes part in"),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Constituent")),
          STAGES.map(([, label]) => h("th", { scope: "col" }, label)))),
        h("tbody", {}, CONSTITUENTS.map(([who, name]) => h("tr", {},
          h("th", { scope: "row" }, name),
          STAGES.map(([stage, label]) => h("td", { data: { stage: label } },
            control(`constituents.${who}.${stage}`, "bool", { "aria-label": `${name}: ${label.toLowerCase()}` }))))))),
      h("fieldset", { class: "inline" }, h("legend", {}, "Bureaux consulted"),
        check("Bureau for Employers' Activities (ACT/EMP)", "bureaux.act_emp"),
        check("Bureau for Workers' Activities (ACTRAV)", "bureaux.actrav")),
      h("div", { class: "grid" },
        select("Overseen by", "governance.kind", GOVERNANCE, { type: "governance", wide: true }),
        p.governance && field("Name of the body", "governance.name", "text", { wide: true })),
      h("fieldset", { class: "inline" }, h("legend", {}, "Capacity needs assessed for"),
        CONSTITUENTS.map(([who, name]) => h("label", { class: "check" },
          h("input", { type: "checkbox", id: controlId(`capacity.assessed.${who}`), data: { path: "capacity.assessed", type: "member", member: who },
            checked: (p.capacity?.assessed ?? []).includes(who) }),
          h("span", {}, name)))),
      field("How the project addresses them", "capacity.addressed_by", "long", { wide: true }),
      h("label", { class: "check" },
        h("input", { type: "checkbox", data: { toggle: "autonomy_exemption" }, checked: Boolean(p.autonomy_exemption) }),
        h("span", {}, "The programme requires autonomy and claims an exemption from the tripartite checks")),
      p.autonomy_exemption && field("Why the programme requires autonomy", "autonomy_exemption.justification", "long", { wide: true })),

    card("gender", "Gender equality", "Gender analysis and the OECD DAC gender equality marker (Appendix I (e)).",
      field("Gender analysis of the problem and the target group", "gender.analysis", "long", { wide: true, rows: 3 }),
      h("div", { class: "grid" },
        select("Gender marker", "gender.marker", [["", "Not given"], ["0", "0: not targeted"], ["1", "1: significant"], ["2", "2: principal"]], { type: "number" }),
        field("Why marker 0", "gender.marker_justification", "text", { wide: true, hint: "Needed when gender equality is not targeted." })),
      check("Gender equality is the principal objective: the project would not exist without it", "gender.principal_objective")),

    card("sustainability", "Sustainability", "Exit or hand-over strategy and gradual ownership by the constituents (R6 §138–139).",
      field("Exit or hand-over strategy", "sustainability.exit_strategy", "long", { wide: true }),
      field("How constituents assume ownership", "sustainability.ownership", "long", { wide: true })),

    card("partnership", "Public-private partnership", null,
      h("label", { class: "check" },
        h("input", { type: "checkbox", data: { toggle: "partnership" }, checked: Boolean(p.partnership) }),
        h("span", {}, "This proposal is a public-private partnership")),
      p.partnership && h("div", { class: "grid" },
        field("Private partner", "partnership.partner", "text", { required: true, wide: true }),
        check("The partner's acceptability was screened", "partnership.acceptability_screened"))),
  );
  if (focused) document.querySelector(`[data-path="${focused}"]`)?.focus();
}

function outcome(o, i) {
  const at = `results.outcomes.${i}`;
  return h("fieldset", { class: "outcome" },
    h("legend", {}, `Outcome ${i + 1}`, removeButton(at, `outcome ${i + 1}`)),
    field(`Outcome ${i + 1} statement`, `${at}.statement`, "long", { required: true, wide: true }),
    check("An explicit gender equality objective", `${at}.gender_equality`),
    field(`Outcome ${i + 1} outputs`, `${at}.outputs`, "lines", { wide: true, hint: "One output per line." }),
    (o.indicators ?? []).map((_, j) => {
      const ind = `${at}.indicators.${j}`;
      const name = `Indicator ${i + 1}.${j + 1}`;
      const of = () => sr(`${name}, `);
      return h("div", { class: "indicator" },
        h("div", { class: "indicator-grid" },
          field(name, `${ind}.name`, "text", { required: true, wide: true }),
          field([of(), "Baseline"], `${ind}.baseline`),
          field([of(), "Target"], `${ind}.target`),
          field([of(), "Means of verification"], `${ind}.means_of_verification`, "text", { wide: true })),
        h("div", { class: "checks" },
          check([of(), "Counts people"], `${ind}.counts_people`),
          check([of(), "Disaggregated by sex"], `${ind}.sex_disaggregated`),
          check([of(), "Gender-specific"], `${ind}.gender_specific`),
          removeButton(ind, `indicator ${i + 1}.${j + 1}`)));
    }),
    addButton(`${at}.indicators`, "Add indicator"));
}

/** Writes one control's value into the proposal. */
function read(el) {
  const { path, type } = el.dataset;
  const text = el.value;
  switch (type) {
    case "bool": return set(path, el.checked);
    case "lines": return set(path, text.split("\n").map((l) => l.trim()).filter(Boolean));
    case "member": {
      const members = new Set(get(path) ?? []);
      if (el.checked) members.add(el.dataset.member); else members.delete(el.dataset.member);
      return set(path, CONSTITUENTS.map(([who]) => who).filter((who) => members.has(who)));
    }
    case "number": return set(path, text === "" ? undefined : Number(text));
    case "boolselect": return set(path, text === "" ? undefined : text === "true");
    case "governance": return text === "" ? set("governance", undefined) : set(path, text);
    case "amount": {
      // Written as the officer types it (248,000.00 or the page locale's 248.000,00): the
      // module reads a plain decimal string; what is not an amount goes as typed, for the
      // module to refuse and the page to explain (see `say`).
      const amount = amountText(text) ?? text.trim();
      // An optional sum (a planned evaluation's budget) left blank is no budget at all.
      if (path.endsWith(".budget.amount")) {
        const money = path.slice(0, -".amount".length);
        const currency = get(`${money}.currency`) ?? "USD";
        return amount === "" ? set(money, undefined) : set(money, { amount, currency });
      }
      return set(path, amount);
    }
    case "date": return set(path, text.trim() === "" ? undefined : text.trim());
    default:
      return set(path, text.trim() === "" && !el.required ? undefined : text);
  }
}

// ---------------------------------------------------------------------------------------
// Appraisal and its display

function rates() {
  const pairs = state.rates.split("\n").map((l) => l.trim().split(/[\s=:]+/)).filter((p) => p[0]);
  return Object.fromEntries(pairs.map(([code, rate]) => [code.toUpperCase(), rate ?? ""]));
}

function appraise() {
  const started = performance.now();
  const answer = state.policy.appraise({ proposal: state.proposal, rates: rates() });
  const ms = performance.now() - started;
  saveDraft();
  showInvalid(answer.type === "error" ? answer.errors : []);
  if (answer.type === "ok") {
    const changed = state.last?.verdict !== answer.value.verdict;
    state.last = answer.value;
    renderVerdict(answer.value, ms);
    renderRequirements(answer.value);
    renderFindings(answer.value);
    renderBadges(answer.value);
    if (changed) $("announce").textContent = `Verdict: ${VERDICTS[answer.value.verdict][0]}.`;
  }
  renderProblems(answer.type === "error" ? answer.errors : []);
  $("results").classList.toggle("stale", answer.type === "error");
  $("export").disabled = answer.type !== "ok";
  $("export-findings").disabled = answer.type !== "ok";
}

function renderVerdict(a, ms) {
  const counts = Object.fromEntries(Object.keys(STATUS).map((s) => [s, a.findings.filter((f) => f.status === s).length]));
  const [title, explanation] = VERDICTS[a.verdict];
  const el = $("verdict");
  el.className = `card verdict ${a.verdict}`;
  el.removeAttribute("aria-busy");
  $("stamp").textContent = `${a.policy.name} v${a.policy.version} (${a.policy.hash.slice(7, 15)}) · ` +
    `appraised in ${ms < 1 ? ms.toFixed(2) : ms.toFixed(1)} ms in this browser`;
  $("stamp").title = a.policy.hash;
  $("verdict-body").replaceChildren(
    h("div", { class: "verdict-main" },
      h("div", {},
        h("p", { class: "eyebrow" }, a.proposal ? `Appraisal of ${a.proposal}` : "Appraisal"),
        h("p", { class: "verdict-title", id: "verdict-title" }, title),
        h("p", { class: "verdict-text" }, explanation)),
      h("div", { class: "score", role: "img", "aria-label": `Score ${a.score} out of 100` },
        svg("svg", { viewBox: "0 0 36 36", "aria-hidden": "true" },
          svg("circle", { cx: 18, cy: 18, r: 15.9, class: "track" }),
          svg("circle", { cx: 18, cy: 18, r: 15.9, class: "value", "stroke-dasharray": `${a.score} 100` })),
        h("span", { class: "score-value" }, String(a.score)))),
    h("ul", { class: "counts" }, Object.entries(counts).map(([s, n]) =>
      h("li", { class: `count ${s}` }, h("strong", {}, String(n)), ` ${STATUS[s].toLowerCase()}`))));
  // The summary that stays in view on a phone while the officer edits the form.
  const open = counts.fail + counts.warning;
  $("verdict-bar").className = `verdict-bar ${a.verdict}`;
  $("verdict-bar").replaceChildren(
    h("span", { class: "bar-verdict" }, title),
    h("span", { class: "bar-score" }, `Score ${a.score}`),
    h("span", { class: "bar-open" }, open ? `${open} to fix` : "nothing to fix"),
    h("span", { class: "bar-link" }, "See the appraisal ↑"));
}

/** Keeps the draft across reloads, where the browser lets the page store it. */
function saveDraft() {
  try {
    localStorage.setItem(DRAFT_KEY, JSON.stringify({ proposal: state.proposal, rates: state.rates }));
  } catch {
    // Storage is off or full: the draft lives in the form only.
  }
}

function readDraft() {
  try {
    return JSON.parse(localStorage.getItem(DRAFT_KEY) ?? "null");
  } catch {
    return null;
  }
}

/** Shows what keeps the input from being appraised; redrawn (and announced) only when it changes. */
function renderProblems(errors) {
  const shown = JSON.stringify(errors);
  if (shown === state.problems) return;
  state.problems = shown;
  $("problems").replaceChildren(...errors.map((e) => h("div", { class: "card problem", role: "alert", data: { code: e.code } },
    h("p", {}, h("strong", {}, "Cannot appraise this input. "), "The last appraisal is shown greyed out until this is fixed."),
    h("p", { class: "problem-message" }, errorMessage(e)),
    e.path && fieldLabel(e.path) && goTo(e.path))));
}

/** Marks the control an error names as invalid, with the message beside it. */
function showInvalid(errors) {
  for (const el of document.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-errormessage");
    document.getElementById(`${el.id}-error`)?.remove();
  }
  for (const e of errors) {
    const el = controlFor(e.path);
    if (!el) continue;
    el.setAttribute("aria-invalid", "true");
    const message = h("p", { class: "error", id: `${el.id}-error` }, errorMessage(e));
    // In a row of fields (a budget line), the message goes under the whole row, so that
    // the row keeps its layout.
    const row = el.closest(".row");
    if (row) row.append(message);
    else el.insertAdjacentElement("afterend", message);
    el.setAttribute("aria-errormessage", message.id);
  }
}

/** The control for a path in a finding or error: the field itself, or the first inside it. */
function controlFor(path) {
  const p = formPath(path);
  return document.querySelector(`[data-path="${p}"]`) ??
    [...document.querySelectorAll("[data-path]")].find((el) => el.dataset.path.startsWith(`${p}.`)) ??
    document.querySelector(`[data-card="${p.split(".")[0]}"] :is(input, select, textarea, button)`);
}

function goTo(path) {
  return h("button", { type: "button", class: "link", data: { goto: path } }, `Go to ${fieldLabel(path) ?? path}`);
}

// ---------------------------------------------------------------------------------------
// Words for people: the module names fields by their paths in the proposal
// (`budget[0].amount.amount`); the page names them by the labels of its own controls, read
// from the form as it is drawn, so that a new or renamed control names itself.

/** The text of a control's label; a row's hidden prefix ("Budget line 1, ") joined to it. */
function labelText(el) {
  const label = el.labels?.[0];
  if (!label) return el.getAttribute("aria-label") ?? el.id;
  const prefix = [...label.querySelectorAll(".sr-only")].map((s) => s.textContent).join("");
  const own = label.textContent.slice(prefix.length).trim();
  return prefix ? `${prefix}${own.charAt(0).toLowerCase()}${own.slice(1)}` : own;
}

/** The words for a path: its control's label, else the card (section) it lies in. */
function fieldLabel(path) {
  const p = formPath(path);
  const exact = document.querySelector(`[data-path="${CSS.escape(p)}"]`);
  if (exact) return labelText(exact);
  const card = document.getElementById(`card-${p}`);
  if (card) return card.textContent;
  const inside = [...document.querySelectorAll("[data-path]")].find((el) => el.dataset.path.startsWith(`${p}.`));
  if (inside) return labelText(inside);
  return document.getElementById(`card-${p.split(".")[0]}`)?.textContent ?? null;
}

/** The control a bare field name (`country_has_dwcp`, `gender.marker_justification`) names, if one. */
function namedControl(name) {
  const p = formPath(name);
  const found = [...document.querySelectorAll("[data-path]")].filter((el) => el.dataset.path === p || el.dataset.path.endsWith(`.${p}`));
  return found.length === 1 ? found[0] : null;
}

/**
 * A message of the module in the form's words: each path it names (`paths`, then any
 * snake_case or dotted name that is one of the form's fields) becomes its label in quotes;
 * "set <a choice> to false" names the choice's option ("No").
 */
function say(text, paths = []) {
  let out = String(text);
  for (const path of [...paths].sort((a, b) => b.length - a.length)) {
    const label = fieldLabel(path);
    if (label) out = out.replace(new RegExp(`(?<![\\w.\\[\\]])${escape(path)}(?![\\w\\[])`, "g"), `“${label}”`);
  }
  return out.replace(/\b[a-z][a-z0-9]*(?:(?:_[a-z0-9]+)|(?:\[\d+\])|(?:\.[a-z][a-z0-9_]*))+(?: to (?:true|false)\b)?/g, (found) => {
    const [name, value] = found.split(" to ");
    const el = document.querySelector(`[data-path="${CSS.escape(formPath(name))}"]`) ?? namedControl(name);
    const label = el ? labelText(el) : fieldLabel(name);
    if (!label) return found;
    const option = value && el?.tagName === "SELECT" && [...el.options].find((o) => o.value === value)?.textContent;
    return `“${label}”${value ? ` to ${option ? `“${option}”` : value}` : ""}`;
  });
}

/** An error of the module in words: what the control expects, for an amount or a date. */
function errorMessage(e) {
  const el = e.path ? document.querySelector(`[data-path="${CSS.escape(formPath(e.path))}"]`) : null;
  const type = el?.dataset.type;
  if (type === "amount" && e.code === "invalid_json") {
    return `${labelText(el)}: “${el.value}” is not an amount. Write it with digits, e.g. ${shownAmount("248000.00")} or 248000.00.`;
  }
  if (type === "amount" && e.code === "negative_amount") return `${labelText(el)} cannot be negative.`;
  if (type === "date" && e.code === "invalid_json") {
    return `${labelText(el)}: “${el.value}” is not a date. Write it as year-month-day, e.g. 2024-12-31.`;
  }
  const label = e.path && fieldLabel(e.path);
  const message = say(e.message, e.path ? [e.path] : []);
  return label && !message.includes(`“${label}”`) ? `${label}: ${message}` : message;
}

function renderRequirements(a) {
  const r = a.requirements;
  const me = a.findings.find((f) => f.rule === "APR-ME");
  const threshold = me?.facts?.threshold_usd;
  const el = $("requirements");
  if (!r) {
    el.replaceChildren(h("h2", { id: "requirements-title" }, "Evaluation requirements"),
      h("p", { class: "muted" }, "Give the start and end dates and the budget lines to see which evaluations R6 §143 requires, and when."));
    return;
  }
  const d = r.duration;
  const duration = `${d.months} month${d.months === 1 ? "" : "s"}${d.days ? ` ${d.days} day${d.days === 1 ? "" : "s"}` : ""}`;
  const yes = (b) => (b ? "Required" : "Not required");
  const facts = [
    ["Duration", `${duration} (${r.class})`],
    ["Budget", `US$${shownAmount(r.budget_usd)}`],
    ["Independent evaluation", `${yes(r.independent_evaluation)}${threshold ? ` (threshold US$${shownAmount(threshold)})` : ""}`],
    ["Mid-term evaluation", yes(r.mid_term_evaluation)],
    ...(r.class === "long" ? [["Annual reviews", String(r.annual_reviews)], ["Mid-term review", "If agreed in the plan"]] : []),
  ];
  const start = Date.parse(r.start);
  const span = Math.max(Date.parse(r.end) - start, 1);
  el.replaceChildren(
    h("h2", { id: "requirements-title" }, "Evaluation requirements"),
    h("p", { class: "muted small" }, `What the dates ${r.start} to ${r.end} and the budget imply (R6 §143).`),
    h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("h3", {}, "Schedule"),
    h("div", { class: "timeline", "aria-hidden": "true" },
      (a.schedule ?? []).map((due) => {
        const tick = h("span", { class: `tick ${due.kind}` });
        tick.style.left = `${(100 * (Date.parse(due.date) - start)) / span}%`;
        return tick;
      })),
    h("ol", { class: "schedule" }, (a.schedule ?? []).map((due) => h("li", {},
      h("time", { datetime: due.date }, due.date),
      h("span", { class: `kind ${due.kind}` }, EVALUATION_KINDS.find(([k]) => k === due.kind)?.[1] ?? due.kind)))));
}

/** What needs action comes first, above the requirements; what passed, below them. */
function renderFindings(a) {
  const group = (title, ...statuses) => {
    const list = a.findings.filter((f) => statuses.includes(f.status));
    return list.length === 0 ? [] : [h("div", {},
      h("h2", { class: "group-title" }, `${title} `, h("span", { class: "muted" }, `(${list.length})`)),
      h("ul", { class: "finding-list" }, list.map(finding)))];
  };
  $("findings-action").replaceChildren(...group("Needs action", "fail", "warning"));
  $("findings-rest").replaceChildren(...group("Passed", "pass"), ...group("Not applicable", "not_applicable"));
}

function finding(f) {
  const facts = Object.entries(f.facts ?? {});
  return h("li", { class: `card finding ${f.status}`, data: { rule: f.rule } },
    h("div", { class: "finding-head" },
      h("span", { class: `pill ${f.status}` }, STATUS[f.status]),
      h("code", { class: "rule" }, f.rule),
      h("span", { class: `severity ${f.severity}` }, f.severity),
      h("span", { class: "citation" }, f.citation)),
    h("p", { class: "message" }, say(f.message, f.missing ?? [])),
    f.help && f.status !== "pass" && h("p", { class: "help" }, h("strong", {}, "How to fix: "), say(f.help, f.missing ?? [])),
    f.missing?.length > 0 && h("p", { class: "missing" }, "Missing: ", f.missing.map(goTo)),
    facts.length > 0 && h("details", { class: "facts-compared", open: state.openFacts.has(f.rule), data: { rule: f.rule } },
      h("summary", {}, "Facts compared"),
      h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k.replaceAll("_", " ")), h("dd", {}, String(v))]))));
}

function renderBadges(a) {
  for (const badge of document.querySelectorAll("[data-badge]")) {
    const mine = a.findings.filter((f) => CARD_OF_RULE[f.rule] === badge.dataset.badge && f.status !== "not_applicable");
    const open = mine.filter((f) => f.status === "fail" || f.status === "warning");
    badge.className = `badge ${mine.length === 0 ? "" : open.length ? "fail" : "pass"}`;
    badge.textContent = mine.length === 0 ? "" : open.length ? `${open.length} to fix` : "✓ passes";
  }
}

// ---------------------------------------------------------------------------------------
// Loading, saving, exporting

function load(proposal, ratesText = "") {
  state.proposal = proposal;
  state.rates = ratesText;
  state.last = null;
  renderForm();
  appraise();
}

async function fetchText(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.text();
}

const download = (name, value) => save(name, `${JSON.stringify(value, null, 2)}\n`, "application/json");

// Spreadsheets: the proposal template is written and read by the full module (the core's
// `template`), loaded the first time an officer opens or saves a workbook.
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
let full;

/** The full module, loaded once, on demand. */
function fullModule() {
  full ??= import("./pkg-full/tcrules_wasm.js").then(async (module) => {
    await module.default();
    return module;
  });
  return full;
}

/** Whether an opened file is a proposal's JSON: its name says so, or its text starts with `{`. */
function isJson(name, bytes) {
  if (/\.json$/i.test(name)) return true;
  if (/\.(xlsx|csv)$/i.test(name)) return false;
  const first = [...bytes.subarray(0, 64)].find((b) => b !== 0xef && b !== 0xbb && b !== 0xbf && b > 0x20);
  return first === 0x7b;
}

/** Opens the proposal template filled in a spreadsheet (.xlsx, or saved as .csv). */
async function openSheet(name, bytes) {
  const answer = (await fullModule()).readProposal(bytes);
  if (answer.type === "ok") {
    state.problems = "[]";
    $("problems").replaceChildren();
    load(answer.value);
    return;
  }
  // Every bad cell, by sheet, row and column, as the module names them.
  const cells = answer.errors.flatMap((e) => (e.errors?.length ? e.errors : [e]));
  const omitted = answer.errors.reduce((n, e) => n + (e.omitted ?? 0), 0);
  state.problems = "";
  $("problems").replaceChildren(h("div", { class: "card problem", role: "alert", data: { code: answer.errors[0]?.code ?? "" } },
    h("p", {}, h("strong", {}, `Cannot open ${name}. `), cells.length > 1 ? `${cells.length} cells need fixing in the workbook:` : "A cell needs fixing in the workbook:"),
    h("ul", { class: "problem-list" }, cells.map((e) => h("li", {}, e.message))),
    omitted > 0 && h("p", {}, `and ${omitted} more.`)));
}

/** Saves the proposal template as a workbook: blank, or filled with `proposal`. */
async function saveWorkbook(name, proposal) {
  const answer = (await fullModule()).proposalTemplate(proposal);
  if (answer.type === "ok") save(name, answer.value, XLSX);
  else renderProblems(answer.errors);
}

const fileStem = () => (state.proposal.id || "proposal").replace(/[^\w.-]+/g, "_");

/**
 * The appraisal's findings as a workbook, in the page's words: one row per finding, those
 * that need action first, and a sheet with the verdict, score and policy stamp. Every
 * cell is text (the module writes no formula), so a message never runs in Excel.
 */
async function exportFindings() {
  const a = state.last;
  if (!a) return;
  const order = { fail: 0, warning: 1, pass: 2, not_applicable: 3 };
  const findings = [...a.findings].sort((x, y) => (order[x.status] ?? 4) - (order[y.status] ?? 4));
  const answer = (await fullModule()).workbook([
    {
      name: "Findings",
      columns: ["Status", "Rule", "Severity", "Message", "How to fix", "Citation"],
      rows: findings.map((f) => [STATUS[f.status] ?? f.status, f.rule, f.severity, say(f.message, f.missing ?? []),
        f.help ? say(f.help, f.missing ?? []) : "", f.citation]),
    },
    {
      name: "Appraisal",
      columns: ["Proposal", "Verdict", "Score", "Policy"],
      rows: [[a.proposal, a.verdict, String(a.score), `${a.policy.name} ${a.policy.version} (${a.policy.hash})`]],
    },
  ]);
  if (answer.type === "ok") save(`${fileStem()}-findings.xlsx`, answer.value, XLSX);
  else renderProblems(answer.errors);
}

async function setUpEditions(builtIn) {
  const editions = [{ policy: builtIn, description: "The rules as Report VI (2006) describes them." }];
  for (const file of EDITIONS) {
    const text = await fetchText(`policies/${file}`);
    const loaded = Policy.load(text);
    if (loaded.type === "ok") editions.push({ policy: loaded.value, description: JSON.parse(text).description });
  }
  const select = $("edition");
  select.replaceChildren(...editions.map((e, i) => h("option", { value: String(i) }, `${e.policy.stamp.name} v${e.policy.stamp.version}`)));
  const choose = () => {
    const e = editions[Number(select.value)];
    state.policy = e.policy;
    $("edition-note").textContent = e.description;
  };
  select.addEventListener("change", () => { choose(); appraise(); });
  choose();
}

function wire(examples) {
  const form = $("proposal");
  form.addEventListener("input", (event) => {
    const el = event.target;
    if (el.id === "rates") state.rates = el.value;
    else if (el.dataset.path && el.type !== "checkbox" && el.tagName !== "SELECT") read(el);
    else return;
    appraise();
  });
  form.addEventListener("change", (event) => {
    const el = event.target;
    if (el.dataset.toggle) {
      const section = el.dataset.toggle;
      if (!el.checked) set(section, undefined);
      else set(section, section === "partnership" ? { partner: "", acceptability_screened: false } : {});
      renderForm();
      document.querySelector(`[data-toggle="${section}"]`)?.focus();
    } else if (el.dataset.path && (el.type === "checkbox" || el.tagName === "SELECT")) {
      read(el);
      if (el.dataset.type === "governance") renderForm();
    } else return;
    appraise();
  });
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-add], button[data-remove]");
    if (!button) return;
    const { add, remove } = button.dataset;
    let focus;
    if (add) {
      const list = get(add) ?? [];
      set(add, [...list, NEW_ROW[add.split(".").pop()]()]);
      focus = `${add}.${list.length}`;
    } else {
      set(remove, undefined);
      focus = remove.replace(/\.\d+$/, "");
    }
    renderForm();
    appraise();
    (controlFor(focus) ?? document.querySelector(`[data-add="${focus}"]`))?.focus();
  });
  document.body.addEventListener("click", (event) => {
    const target = event.target.closest("button[data-goto]");
    if (!target) return;
    const el = controlFor(target.dataset.goto);
    el?.scrollIntoView({ block: "center", behavior: "smooth" });
    el?.focus({ preventScroll: true });
  });
  $("results").addEventListener("toggle", (event) => {
    const { rule } = event.target.dataset;
    if (event.target.open) state.openFacts.add(rule); else state.openFacts.delete(rule);
  }, true);

  $("examples").replaceChildren(...EXAMPLES.map((e) => h("button", {
    type: "button", data: { example: e.file }, title: `Load the example that ${e.outcome}`,
  }, e.label, h("span", { class: `tag ${e.file.replace(".json", "")}` }, e.tag))));
  $("examples").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-example]");
    if (button) load(JSON.parse(examples[button.dataset.example]));
  });
  $("new").addEventListener("click", () => load({ id: "", title: "" }));
  $("open").addEventListener("click", () => $("open-file").click());
  $("open-file").addEventListener("change", async (event) => {
    const [file] = event.target.files;
    if (!file) return;
    event.target.value = "";
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (!isJson(file.name, bytes)) {
      await openSheet(file.name, bytes);
      return;
    }
    try {
      const proposal = JSON.parse(new TextDecoder().decode(bytes));
      if (!proposal || typeof proposal !== "object" || Array.isArray(proposal)) throw new Error("not a proposal object");
      load(proposal);
    } catch (e) {
      renderProblems([{ code: "invalid_json", path: "", message: `${file.name}: ${e.message}` }]);
    }
  });
  $("save").addEventListener("click", () => download(`${fileStem()}.json`, state.proposal));
  $("template").addEventListener("click", () => saveWorkbook("proposal-template.xlsx"));
  $("save-xlsx").addEventListener("click", () => saveWorkbook(`${fileStem()}.xlsx`, state.proposal));
  $("export").addEventListener("click", () => state.last && download(`${fileStem()}-appraisal.json`, state.last));
  $("export-findings").addEventListener("click", exportFindings);
}

async function main() {
  await init();
  const examples = Object.fromEntries(await Promise.all(EXAMPLES.map(async (e) => [e.file, await fetchText(`examples/${e.file}`)])));
  await setUpEditions(new Policy());
  wire(examples);
  const draft = readDraft();
  if (draft?.proposal && typeof draft.proposal === "object") load(draft.proposal, draft.rates ?? "");
  else load(JSON.parse(examples["ready.json"]));
}

main().catch((e) => {
  $("verdict-body").replaceChildren(h("p", { role: "alert" }, `The rules engine could not start: ${e.message}`));
});
