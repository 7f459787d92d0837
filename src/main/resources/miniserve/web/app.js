'use strict';
// The learner's page. It posts the text to POST /correct/stream and shows each sentence's
// correction as soon as its event arrives. EventSource cannot POST, so the stream is read from
// fetch()'s body. The page knows no limits of its own: the server's answers (413, 503 with
// Retry-After, a sentence left "unchanged" with a reason) are explained as they come.

const LEARNER_KEY = 'miniserve.learner_id';
const DEFAULT_RETRY_SECONDS = 2; // when a 503 carries no usable Retry-After

const form = document.getElementById('check-form');
const textArea = document.getElementById('text');
const learnerInput = document.getElementById('learner');
const statusLine = document.getElementById('status');
const output = document.getElementById('output');
const frequentList = document.getElementById('frequent');
const frequentEmpty = document.getElementById('frequent-empty');

let current = null; // the check in progress: {text, learnerId, controller, timer}
let tipCount = 0;

// ---- learner id, kept in this browser ----

function stored(key) {
  try { return localStorage.getItem(key); } catch { return null; } // storage may be off
}

function store(key, value) {
  try { localStorage.setItem(key, value); } catch { /* the id then lasts for this page only */ }
}

function initLearner() {
  let id = stored(LEARNER_KEY);
  if (id === null) {
    id = 'learner-' + Math.random().toString(36).slice(2, 8);
    store(LEARNER_KEY, id);
  }
  learnerInput.value = id;
  learnerInput.addEventListener('input', () => store(LEARNER_KEY, learnerInput.value.trim()));
}

// ---- sending, retrying, reading the stream ----

function stop() {
  if (!current) return;
  current.controller.abort(); // closing the connection cancels the sentences still waiting
  clearTimeout(current.timer);
  current = null;
}

function check() {
  stop();
  const attempt = {
    text: textArea.value,
    learnerId: learnerInput.value.trim(),
    controller: new AbortController(),
    timer: null,
  };
  current = attempt;
  output.replaceChildren(pending(attempt.text, 0, attempt.text.length));
  send(attempt);
}

async function send(attempt) {
  setStatus('Checking…', 'busy');
  output.setAttribute('aria-busy', 'true');
  const body = { text: attempt.text };
  if (attempt.learnerId) body.learner_id = attempt.learnerId;
  try {
    const response = await fetch('correct/stream', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: attempt.controller.signal,
    });
    if (response.status === 503) return retryLater(attempt, response);
    if (!response.ok) return finish(attempt, failureMessage(response.status, await errorOf(response)), 'problem');
    const ended = await readEvents(response.body, (event, data) => onEvent(attempt, event, data));
    if (!ended) finish(attempt, 'The answer stopped before it was complete; please check the text again.', 'problem');
  } catch (err) {
    if (attempt !== current) return; // replaced or stopped: nothing to say
    finish(attempt, 'The tutor cannot be reached (' + err.message + ').', 'problem');
  }
}

async function errorOf(response) {
  try { return await response.json(); } catch { return { error: 'http_' + response.status, detail: response.statusText }; }
}

function failureMessage(status, error) {
  if (status === 413)
    return 'Your text is too long for the tutor: ' + error.detail + '. Check it in shorter parts.';
  return 'The tutor could not check this text: ' + error.detail + '.';
}

/** A 503: the server is busy (or still starting); try again after its Retry-After. */
async function retryLater(attempt, response) {
  const error = await errorOf(response);
  const seconds = Number.parseInt(response.headers.get('Retry-After'), 10);
  let left = Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_RETRY_SECONDS;
  const tick = () => {
    if (attempt !== current) return;
    if (left <= 0) { send(attempt); return; }
    setStatus('The tutor is busy right now; trying again in ' + left + ' s…', 'busy', error.detail);
    left -= 1;
    attempt.timer = setTimeout(tick, 1000);
  };
  tick();
}

/**
 * Reads a text/event-stream body and calls onEvent(name, data) for each event. Returns true
 * when the stream ended with its last event ("done" or "error"), false when it was cut short.
 */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '', name = '', data = [], ended = false;
  const line = (text) => {
    if (text === '') { // a blank line ends an event
      if (data.length) ended = onEvent(name || 'message', data.join('\n')) || ended;
      name = ''; data = [];
      return;
    }
    if (text.startsWith(':')) return; // a comment
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n')) >= 0) {
      line(buffer.slice(0, end).replace(/\r$/, ''));
      buffer = buffer.slice(end + 1);
    }
  }
  return ended;
}

/** Handles one event; returns true for the stream's last one. */
function onEvent(attempt, event, data) {
  if (attempt !== current) return true;
  if (event === 'sentence') {
    showSentence(attempt.text, JSON.parse(data));
  } else if (event === 'done') {
    const answer = JSON.parse(data);
    for (const s of answer.sentences) showSentence(attempt.text, s);
    // What lies between the pieces (spaces, or the comma where a long sentence was cut) is the learner's own.
    for (const gap of output.querySelectorAll('.pending')) gap.replaceWith(gap.textContent);
    showFrequent(answer.frequent_errors || []);
    finish(attempt, summary(answer.sentences), '');
    return true;
  } else if (event === 'error') {
    const error = JSON.parse(data);
    finish(attempt, 'The tutor failed on this text: ' + error.detail + '.', 'problem');
    return true;
  }
  return false; // token events and anything else: nothing to show yet
}

function finish(attempt, message, kind) {
  if (attempt !== current) return;
  setStatus(message, kind);
  output.removeAttribute('aria-busy');
  current = null;
}

function summary(sentences) {
  const edits = sentences.reduce((n, s) => n + s.edits.length, 0);
  const unchanged = sentences.filter((s) => s.status === 'unchanged').length;
  let text = 'Checked ' + plural(sentences.length, 'sentence') + ': '
      + (edits ? plural(edits, 'correction') + '.' : 'no errors found.');
  if (unchanged) text += ' ' + plural(unchanged, 'sentence') + ' could not be checked (see the note).';
  return text;
}

function plural(n, word) {
  return n + ' ' + word + (n === 1 ? '' : 's');
}

function setStatus(message, kind, detail) {
  statusLine.className = kind;
  statusLine.replaceChildren(message);
  if (detail) statusLine.append(element('span', 'detail', detail));
}

// ---- showing corrections ----

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The part [start, end) of the text whose sentences have not come back yet. */
function pending(text, start, end) {
  const el = element('span', 'pending', text.slice(start, end));
  el.dataset.start = start;
  el.dataset.end = end;
  return el;
}

/** Puts a sentence's correction in place of its words in the pending text (once). */
function showSentence(text, s) {
  if (output.querySelector('[data-index="' + s.index + '"]')) return;
  for (const gap of output.querySelectorAll('.pending')) {
    const start = Number(gap.dataset.start), end = Number(gap.dataset.end);
    if (s.text_start < start || s.text_end > end) continue;
    const parts = [];
    if (start < s.text_start) parts.push(pending(text, start, s.text_start));
    parts.push(sentenceElement(text, s));
    if (s.text_end < end) parts.push(pending(text, s.text_end, end));
    gap.replaceWith(...parts);
    return;
  }
}

function sentenceElement(text, s) {
  const el = element('span', 'sentence ' + s.status);
  el.dataset.index = s.index;
  let at = s.text_start;
  const edits = [...s.edits].sort((a, b) => a.text_start - b.text_start);
  for (const edit of edits) {
    el.append(text.slice(at, edit.text_start), editElement(edit));
    at = edit.text_end;
  }
  el.append(text.slice(at, s.text_end));
  if (s.status === 'unchanged' && s.reason) el.append(element('span', 'note', 'Not checked: ' + s.reason + '.'));
  return el;
}

/** An edit: the learner's words struck through, the replacement beside them, the explanation on demand. */
function editElement(edit) {
  const tip = element('span', 'tip', edit.explanation);
  tip.id = 'tip-' + (++tipCount);
  tip.setAttribute('role', 'tooltip');
  const button = element('button', 'edit');
  button.type = 'button';
  button.setAttribute('aria-describedby', tip.id);
  button.setAttribute('aria-label', !edit.original ? 'add “' + edit.replacement + '”'
      : !edit.replacement ? 'remove “' + edit.original + '”'
      : '“' + edit.original + '” corrected to “' + edit.replacement + '”');
  if (edit.original) button.append(element('del', null, edit.original));
  if (edit.original && edit.replacement) button.append(' ');
  if (edit.replacement) button.append(element('ins', null, edit.replacement));
  button.append(tip);
  return button;
}

function showFrequent(list) {
  frequentList.replaceChildren(...list.map((f) => {
    const item = element('li', null, f.label + ' ');
    item.append(element('span', 'count', '× ' + f.count));
    return item;
  }));
  frequentEmpty.hidden = list.length > 0;
}

// ---- wiring ----

form.addEventListener('submit', (e) => { e.preventDefault(); check(); });
textArea.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
});
// A tap opens an explanation (a tap does not focus a button everywhere), a tap elsewhere closes it;
// Escape hides it.
document.addEventListener('click', (e) => {
  const edit = e.target.closest('.edit');
  for (const open of output.querySelectorAll('.edit.open')) if (open !== edit) open.classList.remove('open');
  if (edit) edit.classList.toggle('open');
});
output.addEventListener('keydown', (e) => {
  const edit = e.target.closest('.edit');
  if (e.key === 'Escape' && edit) { edit.classList.remove('open'); edit.classList.add('quiet'); }
});
output.addEventListener('focusout', (e) => e.target.classList.remove('quiet'));
initLearner();
