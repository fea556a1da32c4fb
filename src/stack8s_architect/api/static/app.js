// Stack8s AI Architect — the web UI. Plain ES module, no build step; marked and DOMPurify are loaded by the
// page, Mermaid on first use. Every number shown comes from the API's plan JSON; nothing is computed here
// except sums and sorts of those numbers.

const API = "/api/v1/chat";
const $ = (selector, root = document) => root.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
};

const ICONS = {  // 24 × 24 outline paths (drawn here: no emoji font is needed)
  edit: "M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4",
  trash: "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6",
};
function icon(name) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  node.setAttribute("viewBox", "0 0 24 24");
  node.setAttribute("aria-hidden", "true");
  node.setAttribute("class", "icon");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  node.append(path);
  return node;
}

const state = {
  conversations: [],
  current: null,        // conversation id
  history: null,        // GET /chat/{id}
  plans: new Map(),     // version -> plan (this conversation)
  version: null,        // plan version shown
  allColumns: false,    // the compute table's optional columns shown
  busy: false,
  tab: "summary",
  sort: { key: "rank", dir: 1 },
  file: null,           // manifest path shown
  diagramSeq: 0,
  opening: 0,           // sequence of conversation loads
  abort: null,          // AbortController of the turn being streamed
};

// ---------------------------------------------------------------------------------------------- API

class ApiError extends Error {}
class Unauthorized extends ApiError {}

// An API token, when the service asks for one (single-user mode on loopback does not); kept in this browser only.
const TOKEN_KEY = "stack8s-architect-token";
const auth = { token: localStorage.getItem(TOKEN_KEY), user: null, mode: null, signingIn: null };

async function errorOf(response) {
  const body = await response.json().catch(() => null);
  const message = body?.error?.message || `${response.status} ${response.statusText}`;
  const error = response.status === 401 ? new Unauthorized(message) : new ApiError(message);
  error.status = response.status;
  return error;
}

// fetch with the token; a 401 asks the user to sign in, then tries once more. A stored token the service no
// longer knows is dropped first when the service now runs without tokens (single-user mode again).
async function authorizedFetch(path, init = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = { ...(init.headers || {}) };
    if (auth.token) headers.Authorization = `Bearer ${auth.token}`;
    const response = await fetch(path, { ...init, headers });
    if (response.status !== 401 || attempt > 0) return response;
    const reason = (await errorOf(response)).message;
    if (auth.token) {
      const open = await fetch("/api/v1/me", { headers: { Accept: "application/json" } }).catch(() => null);
      if (open?.ok) { forgetToken(); showAccount(await open.json()); continue; }
    }
    await signIn(reason);
  }
}

function forgetToken() {
  localStorage.removeItem(TOKEN_KEY);
  auth.token = null;
}

async function api(path, options = {}) {
  const init = { ...options, headers: { Accept: "application/json", ...(options.headers || {}) } };
  if (options.json !== undefined) {
    init.body = JSON.stringify(options.json);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await authorizedFetch(path, init);
  if (response.status === 204) return null;
  if (!response.ok) throw await errorOf(response);
  return response.json();
}

// The sign-in dialog: resolves once a token the service accepts is entered (one dialog however many ask).
function signIn(reason) {
  if (auth.signingIn) return auth.signingIn;
  const dialog = $("#signin-dialog");
  const input = $("#signin-token");
  const problem = $("#signin-problem");
  problem.textContent = auth.token ? `Sign in again: ${reason}` : "";
  problem.hidden = !auth.token;
  input.value = "";
  auth.signingIn = new Promise((resolve) => {
    const submit = async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) { input.focus(); return; }
      const response = await fetch("/api/v1/me", { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } })
        .catch(() => null);
      if (!response || !response.ok) {
        problem.textContent = response ? (await errorOf(response)).message : "The service did not answer; try again.";
        problem.hidden = false;
        input.select();
        return;
      }
      const me = await response.json();
      const switched = auth.user !== null && auth.user !== me.user;
      auth.token = token;
      localStorage.setItem(TOKEN_KEY, token);
      if (switched) { location.hash = ""; location.reload(); return; }  // another user: start from their list
      showAccount(me);
      $("#signin-form").removeEventListener("submit", submit);
      dialog.close();
      auth.signingIn = null;
      resolve();
    };
    $("#signin-form").addEventListener("submit", submit);
  });
  dialog.showModal();
  input.focus();
  return auth.signingIn;
}

function showAccount(me) {
  auth.user = me.user;
  auth.mode = me.mode;
  const box = $("#account");
  box.hidden = me.mode !== "tokens" && !auth.token;
  $("#account-name").textContent = me.user;
}

function signOut() {
  forgetToken();
  location.hash = "";
  location.reload();
}

async function* serverEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try { yield* readEvents(reader); } finally { reader.cancel().catch(() => {}); }
}

async function* readEvents(reader) {
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let match;
    while ((match = /\r?\n\r?\n/.exec(buffer))) {
      const block = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      let event = "message";
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (!line || line.startsWith(":")) continue;  // comments are keep-alive pings
        const at = line.indexOf(":");
        const field = at < 0 ? line : line.slice(0, at);
        let text = at < 0 ? "" : line.slice(at + 1);
        if (text.startsWith(" ")) text = text.slice(1);
        if (field === "event") event = text;
        else if (field === "data") data.push(text);
      }
      if (data.length) yield { event, data: JSON.parse(data.join("\n")) };
    }
  }
}

// ------------------------------------------------------------------------------------- formatting

const money = (value, digits = 2) => value === null || value === undefined ? "—"
  : "$" + Number(value).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const number = (value, digits = 2) => value === null || value === undefined ? "—"
  : Number(value).toLocaleString("en-US", { maximumFractionDigits: digits });
const when = (iso) => iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "";

function markdown(text) {
  const html = window.DOMPurify.sanitize(window.marked.parse(text || "", { gfm: true, breaks: false }));
  const box = el("div", { class: "markdown" });
  box.innerHTML = html;
  for (const table of box.querySelectorAll("table")) table.replaceWith(el("div", { class: "table-wrap" }, table.cloneNode(true)));
  for (const code of box.querySelectorAll("pre > code.language-mermaid")) {
    code.parentElement.replaceWith(el("p", { class: "diagram-link" },
      el("button", { type: "button", onclick: () => showTab("diagram", true) }, "◇ Architecture diagram — open it in the plan")));
  }
  for (const link of box.querySelectorAll("a[href]")) {
    if (!link.getAttribute("href").startsWith("#")) { link.target = "_blank"; link.rel = "noopener noreferrer"; }
  }
  return box;
}

function toast(text) {
  const box = $("#toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

function setStatus(text, busy = false) {
  const status = $("#status");
  status.textContent = text || "";
  status.classList.toggle("busy", busy && Boolean(text));
}

// ----------------------------------------------------------------------------------- conversations

async function loadConversations() {
  const body = await api(`${API}?limit=200`);
  state.conversations = body.conversations;
  renderConversations();
}

function renderConversations() {
  const list = $("#conversation-list");
  list.replaceChildren(...state.conversations.map((c) => {
    const meta = c.latest_plan_version ? `plan v${c.latest_plan_version} · ${when(c.updated_at)}` : when(c.updated_at);
    return el("li", { "data-id": c.id, "aria-current": c.id === state.current ? "true" : "false" },
      el("button", { type: "button", class: "open", onclick: () => openConversation(c.id), title: c.title },
        el("span", { class: "title", text: c.title }), el("span", { class: "meta", text: meta })),
      el("span", { class: "actions" },
        el("button", { type: "button", class: "icon-button rename", "aria-label": `Rename ${c.title}`, title: "Rename",
          onclick: (event) => startRename(event.currentTarget.closest("li"), c) }, icon("edit")),
        el("button", { type: "button", class: "icon-button delete", "aria-label": `Delete ${c.title}`, title: "Delete",
          onclick: () => confirmDelete(c) }, icon("trash"))));
  }));
  $("#conversation-empty").hidden = state.conversations.length > 0;
}

function startRename(item, conversation) {
  const input = el("input", { type: "text", value: conversation.title, maxlength: "80", "aria-label": "New title" });
  let finished = false;
  const finish = async (save) => {
    if (finished) return;
    finished = true;
    const title = input.value.trim();
    if (save && title && title !== conversation.title) {
      try {
        const updated = await api(`${API}/${conversation.id}`, { method: "PATCH", json: { title } });
        Object.assign(conversation, updated);
        if (state.history?.conversation_id === conversation.id) state.history.title = updated.title;
      } catch (error) { toast(`Rename failed: ${error.message}`); }
    }
    renderConversations();
    $(`#conversation-list li[data-id="${conversation.id}"] .rename`)?.focus();
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); finish(true); }
    if (event.key === "Escape") { event.preventDefault(); finish(false); }
  });
  input.addEventListener("blur", () => finish(true));
  item.replaceChildren(input);
  input.focus();
  input.select();
}

function confirmDelete(conversation) {
  const dialog = $("#delete-dialog");
  $("#delete-name").textContent = conversation.title;
  dialog.returnValue = "";
  dialog.onclose = async () => {
    if (dialog.returnValue !== "delete") return;
    try {
      await api(`${API}/${conversation.id}`, { method: "DELETE" });
    } catch (error) { toast(`Delete failed: ${error.message}`); return; }
    state.conversations = state.conversations.filter((c) => c.id !== conversation.id);
    if (state.current === conversation.id) newConversation();
    renderConversations();
    const drawn = $(".layout").classList.contains("drawer-open") || getComputedStyle($("#menu-toggle")).display === "none";
    (drawn ? $("#new-conversation") : $("#composer-input")).focus();
  };
  dialog.showModal();
}

function stopListening() {
  if (!state.abort) return;
  state.abort.abort();
  state.abort = null;
  state.busy = false;
  $("#send").disabled = false;
  $("#messages").removeAttribute("aria-busy");
  setStatus("");
}

function newConversation() {
  stopListening();
  state.current = null;
  state.history = null;
  state.plans = new Map();
  state.version = null;
  history.replaceState(null, "", "/");
  renderMessages();
  renderPlan();
  renderConversations();
  closeDrawer();
  setView("chat");
  $("#composer-input").focus();
}

async function openConversation(id, { focus = true } = {}) {
  if (state.current !== id) stopListening();
  const ticket = ++state.opening;  // a slower answer for an earlier click is dropped
  let loaded;
  try {
    loaded = await api(`${API}/${id}`);
  } catch (error) {
    if (ticket !== state.opening) return;
    toast(error.message);
    newConversation();
    return;
  }
  if (ticket !== state.opening) return;
  state.history = loaded;
  if (state.current !== id) { state.plans = new Map(); state.file = null; }
  state.current = id;
  history.replaceState(null, "", `/#c=${id}`);
  renderConversations();
  renderMessages();
  closeDrawer();
  await showVersion(state.history.latest_plan_version);
  if (focus) $("#composer-input").focus();
}

// --------------------------------------------------------------------------------------------- chat

function renderMessages() {
  const box = $("#messages");
  const messages = state.history?.messages || [];
  $("#intro").hidden = messages.length > 0 || state.busy;
  box.replaceChildren(...messages.map((m, index) => messageNode(m, index === messages.length - 1)));
  const newest = messages[messages.length - 1];
  if (newest?.role === "user" && newest.answered === false && !state.busy) {  // a turn that failed or was cut off
    box.append(el("div", { class: "message assistant error unanswered", role: "status" },
      el("p", { text: "This message has no answer yet: its turn failed or was interrupted." }),
      el("button", { type: "button", onclick: () => send("", { retry: true }) }, "Retry")));
  }
  const last = box.lastElementChild;  // the newest reply from its start (a plan report is long)
  box.scrollTop = last && last.classList.contains("assistant") ? last.offsetTop - 12 : box.scrollHeight;
}

// A plan report shows its summary; the rest (the same facts as the plan panel) folds away.
function reportNode(message) {
  const text = message.content || "";
  const cut = text.indexOf("\n### ");
  if (message.kind !== "plan" || cut < 0) return markdown(text);
  return el("div", {}, markdown(text.slice(0, cut)),
    el("details", { class: "report" }, el("summary", { text: "Full report: sizing, compute, models, stack, cost, steps" }),
      markdown(text.slice(cut))));
}

function messageNode(message, last) {
  if (message.role === "user") return el("div", { class: "message user", text: message.content });
  const node = el("div", { class: "message assistant", "data-kind": message.kind || "" });
  const badges = el("div", { class: "badges" });
  if (message.kind === "clarification") badges.append(el("span", { class: "badge clarification", text: "question" }));
  if (message.plan_version) {
    badges.append(el("button", { type: "button", class: "badge plan", "aria-label": `Show plan version ${message.plan_version}`,
      onclick: () => { showVersion(message.plan_version); setView("plan"); } }, `plan v${message.plan_version}`));
  }
  if (badges.childElementCount) node.append(badges);
  node.append(reportNode(message));
  if (message.warnings?.length) node.append(el("ul", { class: "warnings" }, message.warnings.map((w) => el("li", { text: w }))));
  if (last && message.kind === "clarification" && message.questions?.length) node.append(quickReplies(message.questions));
  return node;
}

// A chip answers its own question only: the answers go together once every question has one, or earlier with
// "Send n answers" (the rest then planned with the defaults the plan states).
function quickReplies(questions) {
  const box = el("div", { class: "quick-replies", role: "group", "aria-label": "Quick replies" });
  const asked = questions.filter((question) => question.options?.length);
  const chosen = new Map();
  const answers = () => asked.filter((q) => chosen.has(q.field)).map((q) => chosen.get(q.field)).join("; ");
  const partial = el("button", { type: "button", class: "chip send-answers", hidden: true, onclick: () => send(answers()) });
  for (const question of asked) {
    const group = el("div", { class: "chips", role: "group", "aria-label": question.question });
    const choose = (option) => {
      chosen.set(question.field, option);
      for (const chip of group.children) chip.setAttribute("aria-pressed", String(chip.textContent === option));
      if (chosen.size === asked.length) { send(answers()); return; }
      const left = asked.length - chosen.size;
      partial.hidden = false;
      partial.textContent = `Send ${chosen.size === 1 ? "this answer" : `these ${chosen.size} answers`} — defaults for the ${left === 1 ? "other question" : `other ${left} questions`}`;
    };
    group.append(...question.options.map((option) => el("button", { type: "button", class: "chip quick-reply",
      "data-field": question.field, "aria-pressed": "false", onclick: () => choose(option) }, option)));
    box.append(el("p", { class: "question", text: question.question }), group);
  }
  box.append(el("div", { class: "chips" }, partial,
    el("button", { type: "button", class: "chip quick-reply", onclick: () => send("you decide") }, "You decide — plan with defaults")));
  return box;
}

// The longest message the API takes (MAX_MESSAGE_CHARS): said before it is reached, never cut silently.
const MAX_MESSAGE = 8000;
const COUNT_FROM = 7000;

function composerHint(text = $("#composer-input").value) {
  const hint = $("#composer-hint");
  const length = text.trim().length;
  const over = length > MAX_MESSAGE;
  hint.classList.toggle("over", over);
  $("#composer-input").setAttribute("aria-invalid", String(over));
  hint.textContent = over
    ? `${length.toLocaleString("en-US")} characters: the limit is ${MAX_MESSAGE.toLocaleString("en-US")} — shorten it by ${(length - MAX_MESSAGE).toLocaleString("en-US")} to send.`
    : length >= COUNT_FROM ? `${length.toLocaleString("en-US")} / ${MAX_MESSAGE.toLocaleString("en-US")} characters` : "";
  return !over;
}

// A message (or, with retry, the stored message whose turn failed) answered as a stream.
async function send(text, { retry = false } = {}) {
  text = (text || "").trim();
  if (state.busy) return;
  if (!text && !retry) {
    $("#composer-hint").textContent = "Type a message first: describe the workload, or ask about the plan.";
    $("#composer-input").focus();
    return;
  }
  if (!retry && !composerHint(text)) { $("#composer-input").focus(); return; }
  state.busy = true;
  const controller = new AbortController();  // opening another conversation stops listening (the server finishes the turn)
  state.abort = controller;
  $("#send").disabled = true;
  $("#intro").hidden = true;
  const input = $("#composer-input");
  if (text && input.value.trim() === text) { input.value = ""; composerHint(""); }
  const box = $("#messages");
  box.setAttribute("aria-busy", "true");
  for (const old of box.querySelectorAll(".quick-replies, .unanswered")) old.remove();
  if (!retry) box.append(el("div", { class: "message user", text }));
  const reply = el("div", { class: "message assistant streaming" });
  let content = "";
  let frame = 0;
  const paint = () => { frame = 0; reply.replaceChildren(markdown(content)); box.scrollTop = box.scrollHeight; };
  setStatus("Thinking…", true);
  box.scrollTop = box.scrollHeight;
  let conversationId = state.current;
  let finished = null;
  let stored = false;  // once the server has the message, a retry would store it twice
  let failure = null;
  try {
    const url = retry ? `${API}/${conversationId}/retry/stream`
      : conversationId ? `${API}/message/stream` : `${API}/start/stream`;
    const response = await authorizedFetch(url, {
      method: "POST", headers: { "Content-Type": "application/json", Accept: "text/event-stream" }, signal: controller.signal,
      body: retry ? undefined : JSON.stringify(conversationId ? { conversation_id: conversationId, message: text } : { message: text }),
    });
    if (!response.ok) throw await errorOf(response);
    stored = Boolean(conversationId);
    for await (const { event, data } of serverEvents(response)) {
      if (event === "conversation") {
        stored = true;
        conversationId = data.conversation_id;
        state.current = conversationId;
        history.replaceState(null, "", `/#c=${conversationId}`);
        loadConversations().catch(() => {});
      } else if (event === "status") {
        setStatus(data.message, true);
      } else if (event === "content") {
        if (!reply.isConnected) box.append(reply);
        content += data.delta;
        if (!frame) frame = requestAnimationFrame(paint);
      } else if (event === "plan") {  // shown at once; the history is re-read when the turn is done
        state.plans.set(data.version, data);
        if (!state.history || state.history.conversation_id !== conversationId) {
          state.history = { conversation_id: conversationId, messages: [], plans: [], latest_plan_version: null };
        }
        if (!state.history.plans.some((v) => v.version === data.version)) {
          state.history.plans.push({ version: data.version, created_at: new Date().toISOString() });
        }
        state.history.latest_plan_version = data.version;
        showVersion(data.version);
      } else if (event === "done") {
        finished = data;
      } else if (event === "error") {
        throw new ApiError(data.message);
      }
    }
    if (!finished) throw new ApiError("the reply ended early");
  } catch (error) {
    failure = error;
  } finally {
    if (frame) cancelAnimationFrame(frame);
  }
  if (controller.signal.aborted) return;  // the user moved on; whoever opened the other view owns the page now
  setStatus("");
  let errorNode = null;
  if (failure && retry && failure.status === 409) failure = null;  // answered meanwhile (another tab): show it
  if (failure) {
    reply.remove();
    if (stored) {  // the server kept the message: Retry answers it again (a resend would store it twice)
      errorNode = el("div", { class: "message assistant error", role: "alert" },
        el("p", { text: failure instanceof ApiError
          ? `That turn failed: ${failure.message}. Your message is kept in the conversation.`
          : "The connection to the service was lost; your message is kept in the conversation — Retry." }),
        el("button", { type: "button", onclick: (event) => {
          event.currentTarget.closest(".message").remove();
          send("", { retry: true });
        } }, "Retry"));
    } else {
      if (!input.value.trim()) input.value = text;  // nothing the user typed is lost
      errorNode = el("div", { class: "message assistant error", role: "alert" },
        el("p", { text: failure instanceof ApiError ? `That turn failed: ${failure.message}`
          : "The service is not reachable; your message is kept — Retry." }),
        el("button", { type: "button", onclick: (event) => {
          event.currentTarget.closest(".message").remove();
          if (input.value.trim() === text) input.value = "";
          send(text);
        } }, "Retry"));
    }
    box.append(errorNode);
  }
  if (conversationId) {
    await openConversation(conversationId, { focus: false });  // a deleted one resets to a new conversation
    if (errorNode) { $("#intro").hidden = true; box.append(errorNode); box.scrollTop = box.scrollHeight; }
    await loadConversations().catch(() => {});
    if (finished?.plan) markPlanUpdated();
  }
  box.removeAttribute("aria-busy");
  state.busy = false;
  state.abort = null;
  $("#send").disabled = false;
  input.focus();
}

const PHONE = window.matchMedia("(max-width: 720px)");

function markPlanUpdated() {  // on a phone the plan is out of sight: a dot on the Plan switch says it changed
  if (PHONE.matches && $(".layout").dataset.view === "chat") $("#plan-dot").hidden = false;
}

// ------------------------------------------------------------------------------------ plan panel

async function planVersion(version) {
  if (!state.plans.has(version)) state.plans.set(version, await api(`${API}/${state.current}/plans/${version}`));
  return state.plans.get(version);
}

async function showVersion(version) {
  if (version) {
    try { await planVersion(version); } catch (error) { toast(error.message); renderPlan(); return; }
  }
  state.version = version || null;
  renderPlan();
}

function renderPlan() {
  const plan = state.version ? state.plans.get(state.version) : null;
  const versions = state.history?.plans || [];
  const picker = $("#plan-version");
  picker.replaceChildren(...versions.map((v) => el("option", { value: v.version, selected: v.version === state.version },
    `v${v.version}${v.version === state.history.latest_plan_version ? " (latest)" : ""}`)));
  picker.disabled = versions.length === 0;
  $(".version-picker").hidden = versions.length === 0;  // nothing to pick or export before the first plan
  const exportLink = $("#export");
  exportLink.hidden = !plan;
  if (plan) {
    exportLink.href = `${API}/${state.current}/plans/${state.version}/export`;
    exportLink.removeAttribute("aria-disabled");
  } else {
    exportLink.removeAttribute("href");  // not a link at all: Enter cannot download the page
    exportLink.setAttribute("aria-disabled", "true");
  }
  $("#plan-title").textContent = plan ? `Plan v${plan.version}` : "Plan";
  $("#plan-empty").hidden = Boolean(plan);
  $("#plan-body").hidden = !plan;
  if (!plan) return;
  renderSummary(plan);
  renderCompute(plan);
  renderCost(plan);
  renderModels(plan);
  renderStack(plan);
  renderManifests(plan);
  renderVersions();
  $("#panel-diagram").replaceChildren();
  state.diagramFor = null;
  showTab(state.tab);
}

const TABS = ["summary", "compute", "cost", "models", "stack", "manifests", "diagram", "versions"];

function showTab(name, reveal = false) {
  state.tab = name;
  for (const tab of TABS) {
    const button = $(`#tab-${tab}`);
    const selected = tab === name;
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`#panel-${tab}`).hidden = !selected;
  }
  if (name === "diagram") renderDiagram();
  if (reveal) setView("plan");
}

function fact(label, value) {
  return el("div", { class: "fact" }, el("span", { class: "label", text: label }), el("span", { class: "value", text: value }));
}

function renderSummary(plan) {
  const sizing = plan.sizing;
  const top = plan.compute.find((row) => row.fits) || null;
  const facts = [fact("Total / month", money(plan.cost.total_monthly_usd))];
  if (plan.cost.budget_usd_per_month !== null) {
    facts.push(fact("Budget", `${money(plan.cost.budget_usd_per_month, 0)} · ${plan.cost.within_budget ? "within" : plan.cost.within_budget === false ? "over" : "—"}`));
  }
  if (top) facts.push(fact("Top option", `${number(gpuCount(top))} × ${top.accelerator || "GPU"} · `
    + (top.local ? `local cluster ${top.region}` : top.provider)));
  if (sizing?.required_gpu_memory_gib) facts.push(fact("GPU memory needed", `${number(sizing.required_gpu_memory_gib)} GiB`));
  if (sizing?.precision) facts.push(fact("Precision", sizing.precision));
  if (sizing?.tokens_per_second) facts.push(fact("Throughput", `≈ ${number(sizing.tokens_per_second, 0)} tokens/s`));
  if (sizing?.training_hours) facts.push(fact("Training run", `${number(sizing.training_hours, 1)} h`));
  const list = (title, items) => items.length ? [el("h3", { text: title }), el("ul", {}, items.map((i) => el("li", { text: i })))] : [];
  $("#panel-summary").replaceChildren(
    el("p", { class: "summary-text", text: plan.summary }),
    el("div", { class: "facts" }, facts),
    ...(plan.steps.length ? [el("h3", { text: "Steps" }), el("ol", {}, plan.steps.map((s) => el("li", { text: s })))] : []),
    ...list("Trade-offs", plan.tradeoffs),
    ...list("Assumptions", plan.assumptions));
}

// GPUs an option takes: a local option's per-node shares may differ; a cloud option's instances are alike.
const gpuCount = (r) => r.local ? r.nodes.reduce((sum, n) => sum + n.gpus, 0) : r.accelerator_count * r.instances;

const COLUMNS = [
  { key: "rank", label: "#", num: true, value: (r) => r.rank },
  { key: "provider", label: "Provider", extra: true, value: (r) => r.provider },
  { key: "instance_type", label: "Option", value: (r) => `${r.provider} ${r.instance_type}`,
    show: (r) => [el("span", { class: "provider", text: r.provider }), r.instance_type] },
  { key: "region", label: "Region", extra: true, value: (r) => r.region },
  { key: "accelerator", label: "GPU", value: (r) => r.accelerator || "" },
  { key: "count", label: "Count", num: true, value: gpuCount,
    show: (r) => r.local ? r.nodes.map((n) => `${n.gpus} on ${n.name}`).join(", ")
      : r.instances > 1 ? `${number(r.accelerator_count)} × ${r.instances}` : number(r.accelerator_count) },
  { key: "memory", label: "GPU memory", num: true, extra: true,
    value: (r) => r.local ? (r.gpu_memory_gib || 0) * gpuCount(r) : (r.total_gpu_memory_gib || 0) * r.instances,
    show: (r) => r.total_gpu_memory_gib === null ? "—"
      : `${number(r.local ? r.gpu_memory_gib * gpuCount(r) : r.total_gpu_memory_gib * r.instances, 1)} GiB` },
  { key: "price", label: "$/h", num: true, extra: true, value: (r) => r.price_per_hour_usd * r.instances,
    show: (r) => money(r.price_per_hour_usd * r.instances, 4) },
  { key: "monthly", label: "$/month", num: true, value: (r) => r.monthly_cost_usd,
    show: (r) => r.within_budget === false ? [money(r.monthly_cost_usd), el("span", { class: "badge over", text: "over budget" })]
      : money(r.monthly_cost_usd) },
  { key: "spot", label: "Spot", extra: true, value: (r) => (r.local ? 2 : r.spot ? 1 : 0),
    show: (r) => el("span", { class: r.local ? "badge fits" : r.spot ? "badge spot" : "badge",
      text: r.local ? "local, free" : r.spot ? "spot" : "on-demand" }) },
  { key: "fits", label: "Fits", value: (r) => (r.fits ? 1 : 0),
    show: (r) => el("span", { class: r.fits ? "badge fits" : "badge nofit", text: r.fits ? "fits" : "no" }) },
];

function renderCompute(plan) {
  const rows = [...plan.compute];
  // the decision columns (GPU, count, $/month, fits) always; region, GPU memory, $/h and spot on demand
  const columns = COLUMNS.filter((c) => state.allColumns || !c.extra);
  const column = columns.find((c) => c.key === state.sort.key) || columns[0];
  const over = (r) => (r.within_budget === false ? 1 : 0);
  rows.sort((a, b) => {  // options over the budget stay after those within it, whatever the column
    const x = column.value(a), y = column.value(b);
    const order = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
    return over(a) - over(b) || (order || a.rank - b.rank) * state.sort.dir;
  });
  const head = el("tr", {}, columns.map((c) => {
    const active = c.key === state.sort.key;
    return el("th", { scope: "col", class: c.num ? "num" : "", "aria-sort": active ? (state.sort.dir > 0 ? "ascending" : "descending") : "none" },
      el("button", { type: "button", class: "sort", "data-key": c.key, onclick: () => {
        state.sort = { key: c.key, dir: active ? -state.sort.dir : 1 };
        renderCompute(plan);
        $(`#panel-compute .sort[data-key="${c.key}"]`).focus();
      } }, c.label, el("span", { class: "arrow", "aria-hidden": "true", text: active ? (state.sort.dir > 0 ? "▲" : "▼") : "↕" })));
  }));
  const body = rows.map((r) => el("tr", { class: [r.rank === 1 ? "top" : "", over(r) ? "over-budget" : ""].join(" ").trim(), title: r.why },
    columns.map((c) => el("td", { class: c.num ? "num" : "" }, c.show ? c.show(r) : String(c.value(r))))));
  const notes = plan.compute.length
    ? el("p", { class: "why" }, "$/h and GPU memory are for all instances of an option; the catalog's price per instance × instances. ",
      "Hover a row for why it is listed. Sources: ", [...new Set(plan.compute.map((r) => `${r.source}${r.catalog_date ? ` (${r.catalog_date})` : ""}`))].join(", "))
    : el("p", { class: "muted", text: "No compute offer fits these constraints." });
  const toggle = el("button", { type: "button", "aria-pressed": String(Boolean(state.allColumns)), onclick: () => {
    state.allColumns = !state.allColumns;
    renderCompute(plan);
    $("#panel-compute .table-tools button").focus();
  } }, state.allColumns ? "Fewer columns" : "All columns (region, GPU memory, $/h, spot)");
  $("#panel-compute").replaceChildren(
    el("div", { class: "table-tools" }, toggle),
    el("div", { class: "table-wrap" }, el("table", { class: state.allColumns ? "data compute-table all" : "data compute-table" },
      el("caption", { class: "visually-hidden", text: "Compute options; column buttons sort" }),
      el("thead", {}, head), el("tbody", {}, body))),
    notes);
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

// Drawn at the panel's width (a phone gets a narrower drawing, so its text stays at a readable size).
function barChart(title, bars, { marker = null, markerLabel = "" } = {}) {
  const width = window.innerWidth <= 720 ? Math.max(300, window.innerWidth - 40) : 600;  // the phone layout's panel
  const left = Math.round(width / 3), right = 80, row = 26, top = 8;
  const fit = (text) => (text.length > left / 8 ? `${text.slice(0, Math.floor(left / 8) - 1)}…` : text);
  const height = top + bars.length * row + (marker !== null ? 22 : 8);
  const max = Math.max(...bars.map((b) => b.value), marker || 0, 1);
  const scale = (v) => ((width - left - right) * v) / max;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
  chart.append(svg("title", {}, title));
  bars.forEach((bar, i) => {
    const y = top + i * row;
    chart.append(svg("text", { x: left - 8, y: y + 15, "text-anchor": "end" }, fit(bar.label)),
      svg("title", {}, bar.label));
    chart.append(svg("rect", { x: left, y: y + 3, width: Math.max(scale(bar.value), bar.value > 0 ? 2 : 0), height: row - 9, rx: 3,
      fill: bar.color || "#1f4fd8" }));
    chart.append(svg("text", { x: left + scale(bar.value) + 6, y: y + 15 }, money(bar.value, 0)));
  });
  if (marker !== null) {
    const x = left + scale(marker);
    chart.append(svg("line", { x1: x, x2: x, y1: top, y2: height - 16, stroke: "#b42318", "stroke-dasharray": "4 3", "stroke-width": 1.5 }));
    chart.append(svg("text", { x, y: height - 3, "text-anchor": "middle", class: "axis" }, `${markerLabel} ${money(marker, 0)}`));
  }
  return el("div", { class: "chart" }, chart);
}

function renderCost(plan) {
  const cost = plan.cost;
  const parts = [
    { label: "Compute", value: cost.compute_monthly_usd, color: "#1f4fd8" },
    { label: "Storage", value: cost.storage_monthly_usd, color: "#0e9f6e" },
    { label: "Other", value: cost.other_monthly_usd, color: "#9061f9" },
    { label: "Total", value: cost.total_monthly_usd, color: "#111827" },
  ];
  // one bar per option, within the budget first; labels unique (the instance type tells two "aws 8× L40S" apart)
  const fitting = plan.compute.filter((r) => r.fits).slice(0, 8).sort((a, b) => (a.within_budget === false) - (b.within_budget === false));
  const options = fitting.map((r) => ({
    label: `${r.provider} ${r.instance_type}${r.instances > 1 ? ` × ${r.instances}` : ""}`.slice(0, 30)
      + (r.within_budget === false ? " (over)" : ""),
    value: r.monthly_cost_usd, color: r.within_budget === false ? "#e8a39b" : r.rank === 1 ? "#1f4fd8" : "#93a8e8" }));
  const budget = cost.budget_usd_per_month;
  const verdict = budget === null ? "No budget given."
    : cost.within_budget ? `Within the ${money(budget, 0)}/month budget.` : cost.within_budget === false
      ? `Over the ${money(budget, 0)}/month budget.` : "No fitting offer to compare with the budget.";
  $("#panel-cost").replaceChildren(
    el("h3", { text: "Monthly cost breakdown" }),
    barChart("Monthly cost: compute, storage, other, total", parts, { marker: budget, markerLabel: "budget" }),
    el("p", { class: "small" }, verdict, cost.one_time_usd ? ` One-time (a training run): ${money(cost.one_time_usd)}.` : ""),
    el("table", { class: "data cost-table" }, el("tbody", {}, parts.map((p) =>
      el("tr", {}, el("th", { scope: "row", text: p.label }), el("td", { class: "num", text: money(p.value) }))))),
    ...(options.length > 1 ? [el("h3", { text: "Monthly cost of each fitting compute option" }),
      barChart("Monthly cost of the fitting compute options", options, { marker: budget, markerLabel: "budget" })] : []));
}

function licenceBadge(commercialUse, text) {
  const label = { yes: "commercial use OK", restricted: "commercial use restricted", no: "non-commercial", unknown: "licence unclear" };
  return el("span", { class: `badge licence ${commercialUse}`, title: label[commercialUse] || commercialUse }, text);
}

function renderModels(plan) {
  const panel = $("#panel-models");
  if (!plan.models.length) { panel.replaceChildren(el("p", { class: "muted", text: "No model suggested for this workload." })); return; }
  panel.replaceChildren(el("div", { class: "table-wrap" }, el("table", { class: "data models-table" },
    el("thead", {}, el("tr", {}, ["#", "Model", "Task", "Params (B)", "Licence", "Memory", "Downloads"].map((h) =>
      el("th", { scope: "col", class: ["#", "Params (B)", "Memory", "Downloads"].includes(h) ? "num" : "", text: h })))),
    el("tbody", {}, plan.models.map((m) => el("tr", {},
      el("td", { class: "num", text: String(m.rank) }),
      el("td", {}, el("a", { href: `https://huggingface.co/${m.id}`, target: "_blank", rel: "noopener noreferrer", text: m.id }),
        el("div", { class: "why", text: m.why })),
      el("td", { text: m.task }),
      el("td", { class: "num", text: number(m.params_billions) }),
      el("td", {}, licenceBadge(m.commercial_use, m.license), el("div", { class: "why", text: `commercial use: ${m.commercial_use}` })),
      el("td", { class: "num", text: m.memory_gib === null ? "—" : `${number(m.memory_gib, 1)} GiB` }),
      el("td", { class: "num", text: number(m.downloads, 0) })))))));
}

function renderStack(plan) {
  const panel = $("#panel-stack");
  if (!plan.kubernetes.length) { panel.replaceChildren(el("p", { class: "muted", text: "No Kubernetes components in this plan." })); return; }
  const roles = new Map();
  for (const c of plan.kubernetes) roles.set(c.role, [...(roles.get(c.role) || []), c]);
  panel.replaceChildren(...[...roles].map(([role, components]) => el("section", { class: "role-group" },
    el("h3", { text: role.replaceAll("_", " ") }),
    components.map((c) => el("div", { class: "component" },
      el("span", { class: "name", text: c.chart }), " ",
      c.version ? el("span", { class: "badge", text: c.version }) : null, " ",
      c.license ? el("span", { class: `badge ${/AGPL|BUSL|SSPL/i.test(c.license) ? "restricted" : "yes"}`, text: c.license }) : null,
      el("div", { class: "why", text: c.why }),
      c.alternatives.length ? el("div", { class: "alternatives" }, el("span", { class: "muted", text: "Alternatives:" }),
        c.alternatives.map((a) => el("span", { class: "badge", text: a }))) : null)))));
}

// YAML highlighting: escape first, then wrap comments, keys, strings, numbers and booleans in spans.
function highlightYaml(text) {
  const escape = (s) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  const scalar = (value) => {
    const v = value.trim();
    if (!v) return escape(value);
    if (/^(['"]).*\1$/.test(v)) return `<span class="hl-str">${escape(value)}</span>`;
    if (/^-?\d+(\.\d+)?$/.test(v)) return `<span class="hl-num">${escape(value)}</span>`;
    if (/^(true|false|null|~)$/.test(v)) return `<span class="hl-bool">${escape(value)}</span>`;
    if (/^[|>][-+]?$/.test(v)) return `<span class="hl-punct">${escape(value)}</span>`;
    return `<span class="hl-str">${escape(value)}</span>`;
  };
  return text.split("\n").map((line) => {
    if (/^\s*#/.test(line)) return `<span class="hl-com">${escape(line)}</span>`;
    if (/^---\s*$/.test(line)) return `<span class="hl-punct">${escape(line)}</span>`;
    const m = /^(\s*)(- )?([\w./-]+|"[^"]*"|'[^']*')(:)(\s.*)?$/.exec(line);
    if (m) {
      return `${m[1]}${m[2] ? '<span class="hl-punct">- </span>' : ""}<span class="hl-key">${escape(m[3])}</span>` +
        `<span class="hl-punct">:</span>${m[5] ? scalar(m[5]) : ""}`;
    }
    const item = /^(\s*)(- )(.*)$/.exec(line);
    if (item) return `${item[1]}<span class="hl-punct">- </span>${scalar(item[3])}`;
    return escape(line);
  }).join("\n");
}

function renderManifests(plan) {
  const panel = $("#panel-manifests");
  if (!plan.manifests.length) { panel.replaceChildren(el("p", { class: "muted", text: "This plan has no deliverables." })); return; }
  if (!plan.manifests.some((m) => m.path === state.file)) state.file = plan.manifests[0].path;
  const file = plan.manifests.find((m) => m.path === state.file);
  const name = file.path.split("/").pop();
  const copy = async (event) => {
    const button = event.currentTarget;
    try {
      await navigator.clipboard.writeText(file.content);
      button.textContent = "Copied ✓";
    } catch { toast("The browser refused the clipboard; select the text and copy it instead."); return; }
    setTimeout(() => { button.textContent = "Copy"; }, 1500);
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([file.content], { type: "text/yaml" }));
    const link = el("a", { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const code = el("pre", { class: "code", tabindex: "0", "aria-label": file.path }, el("code", { class: "language-yaml" }));
  if (/\.ya?ml$/.test(file.path)) code.firstChild.innerHTML = highlightYaml(file.content);
  else code.firstChild.textContent = file.content;
  panel.replaceChildren(el("div", { class: "manifests" },
    el("ul", { class: "file-list", "aria-label": "Files" }, plan.manifests.map((m) => el("li", {},
      el("button", { type: "button", "aria-current": m.path === state.file ? "true" : "false", "data-path": m.path,
        onclick: () => { state.file = m.path; renderManifests(plan); $(`#panel-manifests [data-path="${CSS.escape(m.path)}"]`).focus(); } },
      m.path)))),
    el("div", { class: "file-view" },
      el("div", { class: "file-actions" }, el("span", { class: "path", text: file.path }),
        el("button", { type: "button", class: "copy", onclick: copy }, "Copy"),
        el("button", { type: "button", class: "download", onclick: download }, `Download ${name}`)),
      code)));
}

let mermaidLoading = null;
function loadMermaid() {
  if (!mermaidLoading) {
    mermaidLoading = new Promise((resolve, reject) => {
      const script = el("script", { src: "/static/vendor/mermaid/mermaid.min.js" });
      script.onload = () => {
        window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default", flowchart: { htmlLabels: false } });
        resolve(window.mermaid);
      };
      script.onerror = () => { mermaidLoading = null; reject(new Error("could not load the diagram renderer")); };
      document.head.append(script);
    });
  }
  return mermaidLoading;
}

async function renderDiagram() {
  const plan = state.plans.get(state.version);
  const panel = $("#panel-diagram");
  if (!plan || state.diagramFor === `${state.current}:${plan.version}`) return;
  state.diagramFor = `${state.current}:${plan.version}`;
  if (!plan.diagram_mermaid) { panel.replaceChildren(el("p", { class: "muted", text: "This plan has no diagram." })); return; }
  const box = el("div", { class: "diagram", "aria-busy": "true" }, el("p", { class: "muted", text: "Drawing the diagram…" }));
  const source = el("details", {}, el("summary", { text: "Mermaid source" }), el("pre", { class: "code" }, plan.diagram_mermaid));
  panel.replaceChildren(box, source);
  try {
    const mermaid = await loadMermaid();
    const { svg: drawn } = await mermaid.render(`diagram-${++state.diagramSeq}`, plan.diagram_mermaid);
    if (state.diagramFor !== `${state.current}:${plan.version}`) return;
    box.innerHTML = drawn;
    box.removeAttribute("aria-busy");
    const picture = box.querySelector("svg");
    picture?.setAttribute("role", "img");
    picture?.setAttribute("aria-label", `Architecture diagram of plan version ${plan.version}`);
    const download = el("button", { type: "button", onclick: () => {
      const url = URL.createObjectURL(new Blob([drawn], { type: "image/svg+xml" }));
      const link = el("a", { href: url, download: `plan-v${plan.version}-diagram.svg`, hidden: true });
      document.body.append(link); link.click(); link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } }, "Download SVG");
    panel.insertBefore(el("div", { class: "file-actions" }, download), box);
  } catch (error) {
    box.replaceChildren(el("p", { class: "muted", text: `The diagram could not be drawn (${error.message}); its source is below.` }));
    box.removeAttribute("aria-busy");
  }
}

// -------------------------------------------------------------------------------------- versions

function renderVersions() {
  const panel = $("#panel-versions");
  const versions = state.history?.plans || [];
  const list = el("ul", { class: "version-list" }, versions.map((v) => el("li", {},
    el("button", { type: "button", class: "icon-button", "data-version": v.version, "aria-label": `Show plan version ${v.version}`,
      onclick: () => showVersion(v.version).then(() => $(`#panel-versions [data-version="${v.version}"]`)?.focus()) }, `v${v.version}`),
    ` ${when(v.created_at)}`, v.version === state.history.latest_plan_version ? " · latest" : "")));
  if (versions.length < 2) {
    panel.replaceChildren(list, el("p", { class: "muted", text: "One version so far. Ask for a change (\"cheaper\", \"use spot\", \"only GCP\") and compare the versions here." }));
    return;
  }
  const choose = (id, label, selected) => el("label", { for: id }, label, el("select", { id },
    versions.map((v) => el("option", { value: v.version, selected: v.version === selected }, `v${v.version}`))));
  const latest = versions[versions.length - 1].version;
  const output = el("div", { id: "diff-output", "aria-live": "polite" });
  const compare = el("button", { type: "button", class: "primary", id: "compare", onclick: async () => {
    const a = Number($("#diff-from").value), b = Number($("#diff-to").value);
    output.replaceChildren(el("p", { class: "muted", text: "Comparing…" }));
    try { output.replaceChildren(...versionDiff(await planVersion(a), await planVersion(b))); }
    catch (error) { output.replaceChildren(el("p", { text: error.message })); }
  } }, "Compare");
  panel.replaceChildren(list,
    el("div", { class: "diff-controls" }, choose("diff-from", "From", versions[versions.length - 2].version), choose("diff-to", "To", latest), compare),
    output);
}

const KEY_FACTS = [
  ["Total / month", (p) => money(p.cost.total_monthly_usd)],
  ["Compute / month", (p) => money(p.cost.compute_monthly_usd)],
  ["Storage / month", (p) => money(p.cost.storage_monthly_usd)],
  ["Within budget", (p) => p.cost.within_budget === null ? "—" : p.cost.within_budget ? "yes" : "no"],
  ["Top option", (p) => { const r = p.compute.find((x) => x.fits); return r ? `${r.provider} ${r.instance_type} (${r.region})` : "—"; }],
  ["GPUs", (p) => { const r = p.compute.find((x) => x.fits); return r ? `${r.accelerator_count * r.instances} × ${r.accelerator}` : "—"; }],
  ["Spot", (p) => { const r = p.compute.find((x) => x.fits); return r ? (r.spot ? "yes" : "no") : "—"; }],
  ["Precision", (p) => p.sizing?.precision || "—"],
  ["GPU memory needed", (p) => p.sizing?.required_gpu_memory_gib ? `${number(p.sizing.required_gpu_memory_gib)} GiB` : "—"],
  ["Model", (p) => p.models[0]?.id || "—"],
  ["Components", (p) => String(p.kubernetes.length)],
];

function versionDiff(a, b) {
  const rows = KEY_FACTS.map(([label, read]) => {
    const x = read(a), y = read(b);
    return el("tr", {}, el("th", { scope: "row", text: label }),
      el("td", { text: x, class: x !== y ? "changed" : "", "data-label": `v${a.version}` }),
      el("td", { text: y, class: x !== y ? "changed" : "", "data-label": `v${b.version}` }));
  });
  const strip = (p) => JSON.stringify({ ...p, manifests: p.manifests.map((m) => m.path), diagram_mermaid: undefined }, null, 2).split("\n");
  const lines = lineDiff(strip(a), strip(b));
  const changed = lines.filter((l) => l.op !== " ").length;
  return [
    el("h3", { text: `What changed from v${a.version} to v${b.version}` }),
    el("div", { class: "table-wrap" }, el("table", { class: "data changes" },
      el("thead", {}, el("tr", {}, el("th", { text: "" }), el("th", { text: `v${a.version}` }), el("th", { text: `v${b.version}` }))),
      el("tbody", {}, rows))),
    el("h3", { text: `Plan JSON, ${changed} changed line${changed === 1 ? "" : "s"}` }),
    el("pre", { class: "diff", "aria-label": "Line diff of the plan JSON" }, collapse(lines)),
  ];
}

// Longest-common-subsequence line diff (plans are a few hundred lines: a table of n × m is fine).
function lineDiff(a, b) {
  const n = a.length, m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) {
    table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
  }
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { out.push({ op: " ", text: a[i] }); i++; j++; }
    else if (table[i + 1][j] >= table[i][j + 1]) out.push({ op: "-", text: a[i++] });
    else out.push({ op: "+", text: b[j++] });
  }
  while (i < n) out.push({ op: "-", text: a[i++] });
  while (j < m) out.push({ op: "+", text: b[j++] });
  return out;
}

function collapse(lines, context = 2) {
  const keep = lines.map(() => false);
  lines.forEach((l, k) => { if (l.op !== " ") for (let d = -context; d <= context; d++) if (lines[k + d]) keep[k + d] = true; });
  const nodes = [];
  let skipped = 0;
  lines.forEach((l, k) => {
    if (!keep[k]) { skipped++; return; }
    if (skipped) { nodes.push(el("span", { class: "gap", text: `… ${skipped} unchanged line${skipped === 1 ? "" : "s"}` })); skipped = 0; }
    nodes.push(el("span", { class: l.op === "+" ? "add" : l.op === "-" ? "del" : "", text: `${l.op} ${l.text}` }));
  });
  if (skipped) nodes.push(el("span", { class: "gap", text: `… ${skipped} unchanged line${skipped === 1 ? "" : "s"}` }));
  if (!nodes.length) nodes.push(el("span", { class: "gap", text: "The two versions are the same." }));
  return nodes;
}

// ---------------------------------------------------------------------------------------- layout

function setView(view) {
  const layout = $(".layout");
  layout.dataset.view = view;
  $("#show-chat").setAttribute("aria-pressed", String(view === "chat"));
  $("#show-plan").setAttribute("aria-pressed", String(view === "plan"));
  if (view === "plan") $("#plan-dot").hidden = true;
}

function openDrawer() {
  $(".layout").classList.add("drawer-open");
  $("#scrim").hidden = false;
  $("#menu-toggle").setAttribute("aria-expanded", "true");
  $("#new-conversation").focus();
}

function closeDrawer() {
  if (!$(".layout").classList.contains("drawer-open")) return;
  const inside = $("#sidebar").contains(document.activeElement);
  $(".layout").classList.remove("drawer-open");
  if (inside) $("#menu-toggle").focus();
  $("#scrim").hidden = true;
  $("#menu-toggle").setAttribute("aria-expanded", "false");
}

function wire() {
  $("#composer").addEventListener("submit", (event) => { event.preventDefault(); send($("#composer-input").value); });
  $("#composer-input").addEventListener("input", () => composerHint());
  $("#composer-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); send(event.target.value); }
  });
  $("#new-conversation").addEventListener("click", newConversation);
  $("#export").addEventListener("click", exportZip);
  $("#sign-out").addEventListener("click", signOut);
  $("#signin-dialog").addEventListener("cancel", (event) => event.preventDefault());  // nothing works without a token
  for (const chip of document.querySelectorAll("#examples .chip")) chip.addEventListener("click", () => send(chip.textContent));
  $("#plan-version").addEventListener("change", (event) => showVersion(Number(event.target.value)));
  $("#menu-toggle").addEventListener("click", () => ($(".layout").classList.contains("drawer-open") ? closeDrawer() : openDrawer()));
  $("#scrim").addEventListener("click", closeDrawer);
  $("#show-chat").addEventListener("click", () => setView("chat"));
  $("#show-plan").addEventListener("click", () => setView("plan"));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || $("#delete-dialog").open || $("#signin-dialog").open
        || event.target.matches("input")) return;
    closeDrawer();
  });
  $(".skip-link").addEventListener("click", (event) => { event.preventDefault(); $("#composer-input").focus(); });
  const tabs = $("#plan-tabs");
  tabs.addEventListener("click", (event) => {
    const tab = event.target.closest("[role=tab]");
    if (tab) showTab(tab.id.replace("tab-", ""));
  });
  tabs.addEventListener("keydown", (event) => {  // arrow keys move between tabs (WAI-ARIA tabs pattern)
    const index = TABS.indexOf(state.tab);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const name = TABS[(next + TABS.length) % TABS.length];
    showTab(name);
    $(`#tab-${name}`).focus();
  });
}

async function exportZip(event) {
  event.preventDefault();
  const link = event.currentTarget;
  if (!link.getAttribute("href")) return;
  try {
    const response = await authorizedFetch(link.getAttribute("href"));
    if (!response.ok) throw await errorOf(response);
    const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "")?.[1] || "stack8s-plan.zip";
    const url = URL.createObjectURL(await response.blob());
    const save = el("a", { href: url, download: name, hidden: true });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    toast(`Export failed: ${error.message}`);
  }
}

async function main() {
  wire();
  showTab("summary");
  try { showAccount(await api("/api/v1/me")); } catch (error) { toast(error.message); }
  try { await loadConversations(); } catch (error) { toast(`Could not list conversations: ${error.message}`); }
  const wanted = /^#c=([0-9a-f]{1,64})$/.exec(location.hash);
  if (wanted) await openConversation(wanted[1]);
  else newConversation();
  document.body.dataset.ready = "true";  // the first render is done (tests and scripts wait for it)
}

main();
