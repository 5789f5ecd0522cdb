// The browser side of `python -m generator edit`: the list, the form (json-editor, built from the model's schema
// sent by the server), live checks and preview from the server, saving, submitting. Nothing here knows a field:
// labels, help, choices and groups all come from the schema. Text from the server is shown as text, never as HTML
// (the flowchart's SVG, made by the generator's own pipeline, is the one exception).
"use strict";

const TOKEN = document.querySelector('meta[name="qlqd-token"]').content;
const CHECK_DELAY = 300; // ms after the last keystroke
const state = { path: null, version: null, editor: null, schema: null, list: null, timer: null, typing: null, waiting: null, checking: 0, errors: 0 };
const $ = (id) => document.getElementById(id);

JSONEditor.defaults.languages.zh = {
  button_add: "添加", button_add_row_title: "添加{{0}}", button_cancel: "取消", button_collapse: "收起",
  button_expand: "展开", button_copy: "复制", button_copy_row_title: "复制{{0}}", button_copy_row_title_short: "复制",
  button_delete_all: "全部", button_delete_all_title: "全部删除", button_delete_last: "最后一项{{0}}",
  button_delete_last_title: "删除最后一项{{0}}", button_delete_row_title: "删除{{0}}",
  button_delete_row_title_short: "删除", button_move_down_title: "下移", button_move_up_title: "上移",
  button_delete_node_warning: "确定删除这一项吗?", button_save: "保存", button_properties: "字段",
  button_object_properties: "字段",
};
JSONEditor.defaults.language = "zh";

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", "X-QLQD-Token": TOKEN },
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({ error: `服务器没有回答(${response.status})` }));
  if (!response.ok) throw new Error(data.error || `请求失败(${response.status})`);
  return data;
}

function status(text) { $("status").textContent = text; }

function message(text, ok) {
  const box = $("message");
  box.textContent = text;
  box.hidden = !text;
  box.classList.toggle("ok", !!ok);
}

// --- the list -------------------------------------------------------------------------------------------------

async function loadList() {
  state.list = await api("/api/list");
  $("catalogue").textContent = `${state.list.catalogue} 权力事项编辑器`;
  const depts = $("new-dept"), cats = $("new-category");
  depts.replaceChildren(...state.list.departments.map((d) => new Option(d.name, d.slug)));
  cats.replaceChildren(...state.list.categories.map((c) => new Option(c, c)));
  showList();
}

function showList() {
  const words = $("search").value.trim().toLowerCase();
  const out = [];
  for (const dept of state.list.departments) {
    const powers = dept.powers.filter((p) => !words || `${p.code} ${p.name} ${p.category}`.toLowerCase().includes(words));
    if (!powers.length && words) continue;
    const head = document.createElement("h2");
    head.textContent = dept.name;
    out.push(head);
    for (const power of powers) {
      const link = document.createElement("a");
      link.href = `#${power.path}`;
      link.dataset.path = power.path;
      link.classList.toggle("current", power.path === state.path);
      link.append(power.name, document.createElement("br"));
      const small = document.createElement("small");
      small.textContent = power.code;
      link.append(small);
      out.push(link);
    }
  }
  $("list").replaceChildren(...out);
}

// --- the form -------------------------------------------------------------------------------------------------

function draftKey(path) { return `qlqd-draft:${path}`; }

async function openRecord(path) {
  const opened = await api(`/api/open?path=${encodeURIComponent(path)}`);
  startForm(opened.path, opened.version, opened.form, opened.form.name);
}

function startForm(path, version, form, title) {
  state.path = path;
  state.version = version;
  const kept = JSON.parse(localStorage.getItem(draftKey(path)) || "null");
  const restored = kept && kept.version === version;
  $("restored").hidden = !restored;
  $("conflict").hidden = true;
  message("");
  if (state.editor) state.editor.destroy();
  state.editor = new JSONEditor($("form"), {
    schema: state.schema, startval: restored ? kept.form : form, theme: "html", show_opt_in: true,
    disable_edit_json: true, disable_properties: true, show_errors: "never", no_additional_properties: true,
    prompt_before_delete: false, disable_array_delete_all_rows: true, disable_array_delete_last_row: true,
  });
  state.editor.on("change", () => {
    localStorage.setItem(draftKey(state.path), JSON.stringify({ version: state.version, form: state.editor.getValue() }));
    clearTimeout(state.timer);
    state.timer = setTimeout(check, CHECK_DELAY);
  });
  $("record-title").textContent = title;
  $("toolbar").hidden = false;
  $("submit").disabled = version === null;
  showList();
}

async function check() {
  const asked = ++state.checking;
  let answer;
  try {
    answer = await api("/api/check", { path: state.path, form: state.editor.getValue() });
  } catch (error) {
    status(error.message);
    return;
  }
  if (asked !== state.checking) return; // a later check is on its way
  showProblems(answer.problems);
  state.errors = answer.errors;
  $("save").disabled = answer.errors > 0;
  status(answer.errors ? `有 ${answer.errors} 个错误,改正后才能保存` : "检查通过,可以保存");
  showPreview(answer.preview);
  const code = state.editor.getEditor("root.code");
  const fileCode = answer.path.split("/")[1].replace(/\.yaml$/, "");
  if (state.version === null && code && code.getValue() !== fileCode) code.setValue(fileCode);
}

function fieldEditor(path) {
  let parts = path.split(".");
  while (parts.length) {
    const found = state.editor.getEditor(parts.join("."));
    if (found) return found;
    parts = parts.slice(0, -1);
  }
  return state.editor.getEditor("root");
}

function showProblems(problems) {
  document.querySelectorAll(".qlqd-error").forEach((e) => e.remove());
  document.querySelectorAll(".qlqd-has-error").forEach((e) => e.classList.remove("qlqd-has-error"));
  const items = [];
  for (const found of problems) {
    const warning = found.code.startsWith("W");
    const editor = fieldEditor(found.form_path);
    const note = document.createElement("div");
    note.className = `qlqd-error${warning ? " warning" : ""}`;
    note.dataset.code = found.code;
    note.textContent = `${found.code} ${found.message}`;
    if (editor && editor.container) {
      editor.container.classList.add("qlqd-has-error");
      editor.container.append(note);
    }
    const item = document.createElement("li");
    item.className = warning ? "warning" : "error";
    item.textContent = `${found.code} ${found.message}`;
    items.push(item);
  }
  $("problems").replaceChildren(...items);
}

function showPreview(preview) {
  if (!preview) return;
  $("preview-note").textContent = preview.note || "";
  $("chart").innerHTML = preview.chart || ""; // the generator's own SVG, its texts escaped by the flowchart module
  if (preview.page_url) $("page").src = preview.page_url;
  clearTimeout(state.waiting);
  if (preview.pending) state.waiting = setTimeout(check, 3000); // the site for the page preview is being built
}

// --- saving and submitting ------------------------------------------------------------------------------------

async function save() {
  await check();
  if (state.errors) return false;
  const form = state.editor.getValue();
  let answer;
  try {
    answer = await api("/api/save", { path: state.path, version: state.version, form });
  } catch (error) {
    message(error.message);
    return false;
  }
  if (answer.status === "conflict") {
    $("conflict-disk").textContent = answer.on_disk;
    $("conflict-mine").textContent = answer.text;
    $("conflict").hidden = false;
    message("");
    return false;
  }
  if (answer.status !== "saved") {
    showProblems(answer.problems);
    message("有错误,未保存。");
    return false;
  }
  localStorage.removeItem(draftKey(state.path));
  state.path = answer.path;
  state.version = answer.version;
  localStorage.removeItem(draftKey(state.path));
  $("submit").disabled = false;
  $("restored").hidden = true;
  history.replaceState(null, "", `#${answer.path}`);
  message(`已保存 ${answer.path}`, true);
  await loadList();
  return true;
}

async function submit() {
  if (!(await save())) return; // what is submitted is what is saved: the form as it is now
  try {
    const done = await api("/api/submit", { path: state.path });
    message(done.message, true);
  } catch (error) {
    message(error.message);
  }
}

async function createNew(event) {
  event.preventDefault();
  try {
    const blank = await api("/api/new", { dept: $("new-dept").value, category: $("new-category").value, name: $("new-name").value });
    $("new-form").hidden = true;
    startForm(blank.path, null, blank.form, blank.form.name);
  } catch (error) {
    message(error.message);
  }
}

async function start() {
  try {
    state.schema = await api("/api/schema");
    await loadList();
  } catch (error) {
    status(error.message);
    return;
  }
  $("search").addEventListener("input", showList);
  // json-editor takes a value on the input's change event (when it loses focus): tell it while the clerk types
  $("form").addEventListener("input", (event) => {
    clearTimeout(state.typing);
    state.typing = setTimeout(() => event.target.dispatchEvent(new Event("change", { bubbles: true })), CHECK_DELAY);
  });
  $("list").addEventListener("click", (event) => {
    const link = event.target.closest("a[data-path]");
    if (!link) return;
    event.preventDefault();
    history.pushState(null, "", `#${link.dataset.path}`);
    openRecord(link.dataset.path).catch((error) => message(error.message));
  });
  $("new-button").addEventListener("click", () => { $("new-form").hidden = !$("new-form").hidden; });
  $("new-form").addEventListener("submit", createNew);
  $("save").addEventListener("click", save);
  $("submit").addEventListener("click", submit);
  $("discard").addEventListener("click", () => { localStorage.removeItem(draftKey(state.path)); openRecord(state.path); });
  $("reopen").addEventListener("click", async () => {
    await openRecord(state.path).catch((error) => message(error.message));
    $("conflict").hidden = false; // the two versions stay in view while the clerk merges
  });
  const fromAddress = () => {
    const path = decodeURIComponent(location.hash.slice(1));
    if (path && path !== state.path) openRecord(path).catch((e) => message(e.message));
  };
  window.addEventListener("hashchange", fromAddress);
  fromAddress();
}

start();
