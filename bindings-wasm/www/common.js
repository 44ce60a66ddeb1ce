// What both pages share: building elements (text always as text: a title or message that
// carries markup shows it, never runs it), the page locale's way of writing numbers, and
// downloads.

/** An element with attributes (`value`, `checked` as properties) and children (text as text nodes). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "value" || k === "checked") el[k] = v;
    else if (k === "data") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  el.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** An SVG element with attributes and children. */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/** The page's locale: its decimal mark and thousands separator, as the officer writes numbers. */
export const NUMBER = (() => {
  const parts = new Intl.NumberFormat(navigator.language, { useGrouping: true }).formatToParts(12345.6);
  return {
    decimal: parts.find((p) => p.type === "decimal")?.value ?? ".",
    group: parts.find((p) => p.type === "group")?.value ?? ",",
  };
})();

/** A decimal string as the page's locale writes it, digit for digit (no trip through a number). */
export function shownAmount(value) {
  if (value === undefined || value === null || value === "") return "";
  if (!/^-?\d+(\.\d+)?$/.test(String(value))) return String(value);
  const [int, frac] = String(value).split(".");
  const digits = int.replace(/\B(?=(\d{3})+(?!\d))/g, NUMBER.group);
  return frac ? `${digits}${NUMBER.decimal}${frac}` : digits;
}

/** Offers `body` (text or bytes) as a file to save. */
export function download(name, body, type) {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Text with the characters a regular expression gives a meaning escaped. */
export const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
