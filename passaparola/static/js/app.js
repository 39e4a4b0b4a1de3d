// Small progressive enhancements; every page works without them.
document.addEventListener("change", (event) => {
  const select = event.target.closest("[data-autosubmit]");
  if (select) select.form.submit();
});

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  try {
    await navigator.clipboard.writeText(source.value);
  } catch {
    source.select();
    document.execCommand("copy");
  }
  const label = button.textContent;
  button.textContent = button.dataset.copied;
  setTimeout(() => { button.textContent = label; }, 1500);
});

document.addEventListener("submit", (event) => {
  const form = event.target.closest("[data-share-form]");
  const text = document.querySelector("[data-share-text]");
  if (form && text) form.querySelector("input[name=text]").value = text.value;
});

// The share composer: the person's text, hashtags and the disclosure, counted live per network
// the way each network counts (passaparola/sharing/lengths.py; the server's count decides).
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
const EMOJI_RE = /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u;
const HASHTAG_RE = /^[\p{L}\p{N}_]+$/u;
const segmenter = "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;
const graphemes = (text) => (segmenter ? Array.from(segmenter.segment(text), (part) => part.segment) : Array.from(text));
const xWeight = (cluster) => {
  if (EMOJI_RE.test(cluster)) return 200;
  let weight = 0;
  for (const char of cluster) {
    const code = char.codePointAt(0);
    const light = code <= 4351 || (code >= 8192 && code <= 8205) || (code >= 8208 && code <= 8223) || (code >= 8242 && code <= 8247);
    weight += light ? 100 : 200;
  }
  return weight;
};
const urlsIn = (text) => (text.match(URL_RE) || []).length;
const COUNTERS = {
  chars: (text) => Array.from(text).length,
  graphemes: (text) => graphemes(text).length,
  mastodon: (text) => graphemes(text.replace(URL_RE, "")).length + urlsIn(text) * 23,
  x: (text) => {
    const normal = text.normalize("NFC");
    const weight = graphemes(normal.replace(URL_RE, "")).reduce((sum, cluster) => sum + xWeight(cluster), 0);
    return Math.floor(weight / 100) + urlsIn(normal) * 23;
  },
};

const composeText = (text, hashtags, disclosure) => {
  const body = text.trim();
  let present = body.toLocaleLowerCase();
  const extra = [];
  for (const token of hashtags.replace(/,/g, " ").split(/\s+/)) {
    const tag = token.replace(/^#+/, "");
    if (tag && HASHTAG_RE.test(tag) && !present.includes(`#${tag}`.toLocaleLowerCase())) {
      extra.push(`#${tag}`);
      present += ` #${tag}`.toLocaleLowerCase();
    }
  }
  const disclose = disclosure.trim();
  if (disclose && !present.includes(disclose.toLocaleLowerCase())) extra.push(disclose);
  if (!extra.length) return body;
  return body ? `${body}\n\n${extra.join(" ")}` : extra.join(" ");
};

const composerState = () => {
  const panel = document.querySelector("[data-composer]");
  if (!panel) return null;
  return {
    panel,
    text: panel.querySelector("[data-share-text]"),
    hashtags: panel.querySelector("[data-share-hashtags]"),
  };
};

const recount = () => {
  const state = composerState();
  if (!state || !state.text) return;
  const composed = composeText(state.text.value, state.hashtags ? state.hashtags.value : "", state.panel.dataset.disclosure || "");
  const caption = state.panel.querySelector("[data-share-caption]");
  if (caption) caption.value = composed;
  for (const option of state.panel.querySelectorAll("[data-share-option]")) {
    const output = option.querySelector("[data-count]");
    const count = COUNTERS[option.dataset.counter];
    if (!output || !count) continue;
    const length = count(`${option.dataset.prefix}${composed}${option.dataset.suffix}`);
    output.textContent = length;
    output.classList.toggle("error", option.dataset.limit !== "" && length > Number(option.dataset.limit));
  }
};

document.addEventListener("input", (event) => {
  if (!event.target.closest("[data-share-text], [data-share-hashtags]")) return;
  const state = composerState();
  // Once the person edits, no suggested caption is "the chosen one" any more.
  if (state && event.isTrusted) {
    for (const choice of state.panel.querySelectorAll("[data-caption]")) choice.removeAttribute("aria-current");
  }
  recount();
});
// The browser may restore edited text (back button, reload): show counts for what is there.
recount();

document.addEventListener("click", (event) => {
  const choice = event.target.closest("[data-caption]");
  const state = composerState();
  if (!choice || !state) return;
  event.preventDefault();
  state.text.value = choice.dataset.caption;
  for (const other of state.panel.querySelectorAll("[data-caption]")) other.removeAttribute("aria-current");
  choice.setAttribute("aria-current", "true");
  state.text.dispatchEvent(new Event("input", { bubbles: true }));
});

// Every share form carries the composer's current text, hashtags and nudge answer.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("[data-share-form]");
  const state = composerState();
  if (!form || !state) return;
  const set = (name, value) => {
    const input = form.querySelector(`input[name=${name}]`);
    if (input) input.value = value;
  };
  set("hashtags", state.hashtags ? state.hashtags.value : "");
  const accept = state.panel.querySelector("[data-share-accept]");
  set("accept_nudges", accept && accept.checked ? "1" : "");
});

// Copy-link: record the share on the server first, then put the link on the clipboard.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("[data-share-copy]");
  if (!form) return;
  event.preventDefault();
  const status = document.querySelector(form.dataset.status);
  const response = await fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { "HX-Request": "true" },
    credentials: "same-origin",
  });
  const message = await response.text();
  if (response.ok) {
    const source = document.querySelector(form.dataset.shareCopy);
    try {
      await navigator.clipboard.writeText(source.value);
    } catch {
      source.select();
      document.execCommand("copy");
    }
  }
  if (status) {
    status.textContent = message;
    status.classList.toggle("error", !response.ok);
  }
});
