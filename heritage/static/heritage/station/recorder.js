// The recording station: record, pause, resume, stop, listen back, keep or redo.
// Nothing recorded is lost: every second of audio goes into IndexedDB as it is
// recorded and is sent in chunks (PUT …/chunks/<index>?offset=) while recording goes
// on; after a network drop or a closed tab the upload resumes from what the server
// says it holds, and the commit carries the SHA-256 the phone computed.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };

  // Read aloud (the consent text; what was agreed): only where the phone can speak, and
  // never in the way where it cannot. Browsers may refuse to speak before a tap, so the
  // automatic reading is a try and the button stays for a second hearing.
  function speak(text) {
    var words = new SpeechSynthesisUtterance(text);
    words.lang = "zh-CN"; words.rate = 0.85;
    try { speechSynthesis.cancel(); speechSynthesis.speak(words); } catch (e) { /* silent phone: the text is on screen */ }
  }
  Array.prototype.forEach.call(document.querySelectorAll("button.speaks"), function (button) {
    if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) return;
    var text = function () { return $(button.dataset.textOf).textContent.replace(/\s+/g, " ").trim(); };
    button.hidden = false;
    button.addEventListener("click", function () { speak(text()); });
    if ("autoplay" in button.dataset) speak(text());
  });

  var root = $("recorder");
  if (!root) return;
  var base = root.dataset.uploads.replace(/ID\/$/, "");
  var csrf = root.dataset.csrf;
  var MIMES = [["audio/webm;codecs=opus", ".webm"], ["audio/mp4;codecs=mp4a.40.2", ".m4a"], ["audio/mp4", ".m4a"], ["audio/webm", ".webm"]];
  var db, recorder, stream, take, started, elapsedBefore = 0, ticking, audioContext, busy = false, retry = 1000;
  var checked = {};

  function say(text) { $("status").textContent = text; }
  function show(id, on) { $(id).hidden = !on; }
  // Only the buttons that make sense: before recording 开始录音; while recording 暂停 and
  // 停止; after stopping 保留 and 重录 (with the playback).
  var STEPS = { idle: ["rec"], recording: ["pause", "stop"], review: ["review"] };
  function step(name) {
    ["rec", "pause", "stop", "review"].forEach(function (id) { show(id, STEPS[name].indexOf(id) >= 0); });
    root.dataset.step = name;
  }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- IndexedDB: "takes" (one per recording) and "chunks" ([take, index]) ---
  function request(r) { return new Promise(function (ok, fail) { r.onsuccess = function () { ok(r.result); }; r.onerror = function () { fail(r.error); }; }); }
  function store(name, mode) { return db.transaction(name, mode || "readonly").objectStore(name); }
  function openDb() {
    var r = indexedDB.open("libei-recorder", 1);
    r.onupgradeneeded = function () {
      r.result.createObjectStore("takes", { keyPath: "id" });
      r.result.createObjectStore("chunks", { keyPath: ["take", "index"] }).createIndex("take", "take");
    };
    return request(r);
  }
  function saveTake(t) { return request(store("takes", "readwrite").put(t)); }
  function allTakes() { return request(store("takes").getAll()); }
  function chunksOf(id) { return request(store("chunks").index("take").getAll(id)); }
  function dropTake(id) {
    var tx = db.transaction(["takes", "chunks"], "readwrite");
    tx.objectStore("takes").delete(id);
    tx.objectStore("chunks").delete(IDBKeyRange.bound([id, 0], [id, Infinity]));
    return new Promise(function (ok) { tx.oncomplete = ok; });
  }

  // --- recording ---
  function meta() {
    var scopes = Array.prototype.map.call(document.querySelectorAll("input[name=scope]:checked"), function (i) { return i.value; });
    return { narrator: root.dataset.narrator, kind: root.dataset.kind, prompt: ($("prompt") || {}).textContent || "", scopes: scopes };
  }
  function clock(ms) { var s = Math.floor(ms / 1000); return String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0"); }
  function elapsed() { return elapsedBefore + (started ? Date.now() - started : 0); }
  function tick() { $("elapsed").textContent = clock(elapsed()); }

  function meter(source) {
    var analyser = audioContext.createAnalyser(), data = new Float32Array(1024);
    analyser.fftSize = 1024;
    source.connect(analyser);
    (function draw() {
      if (!recorder || recorder.state === "inactive") { $("level").value = 0; return; }
      analyser.getFloatTimeDomainData(data);
      var sum = 0;
      for (var i = 0; i < data.length; i++) sum += data[i] * data[i];
      $("level").value = Math.min(1, Math.sqrt(sum / data.length) * 4);
      requestAnimationFrame(draw);
    })();
  }

  function start() {
    if (!window.MediaRecorder) { say(root.dataset.unsupported); return; }
    navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false } }).then(function (s) {
      stream = s;
      var choice = MIMES.filter(function (m) { return MediaRecorder.isTypeSupported(m[0]); })[0] || ["", ".webm"];
      recorder = new MediaRecorder(stream, choice[0] ? { mimeType: choice[0] } : {});
      take = { id: uuid(), state: "recording", filename: "recording" + choice[1], meta: meta(), chunks: 0, size: 0, created: Date.now() };
      saveTake(take);
      recorder.ondataavailable = function (event) {
        if (!event.data.size) return;
        var chunk = { take: take.id, index: take.chunks, offset: take.size, blob: event.data, sent: false };
        take.chunks += 1; take.size += event.data.size;
        var tx = db.transaction(["takes", "chunks"], "readwrite");
        tx.objectStore("chunks").put(chunk);
        tx.objectStore("takes").put(take);
        tx.oncomplete = pump;
      };
      recorder.onstop = stopped;
      audioContext = audioContext || new (window.AudioContext || window.webkitAudioContext)();
      audioContext.resume();
      recorder.start(1000);
      meter(audioContext.createMediaStreamSource(stream));
      started = Date.now(); elapsedBefore = 0; ticking = setInterval(tick, 250);
      $("pause").textContent = root.dataset.pause;
      step("recording");
      say(root.dataset.recording);
    }, function () { say(root.dataset.nomic); });
  }

  function pause() {
    if (recorder.state === "recording") {
      recorder.pause(); elapsedBefore = elapsed(); started = null;
      $("pause").textContent = root.dataset.resume; say(root.dataset.paused);
    } else {
      recorder.resume(); started = Date.now();
      $("pause").textContent = root.dataset.pause; say(root.dataset.recording);
    }
  }

  function stop() { recorder.stop(); stream.getTracks().forEach(function (t) { t.stop(); }); }

  function stopped() {
    elapsedBefore = elapsed(); started = null; clearInterval(ticking); tick();
    // The last dataavailable fires before stop; give its IndexedDB write a moment.
    setTimeout(function () {
      take.state = "recorded";
      saveTake(take).then(function () { return chunksOf(take.id); }).then(function (chunks) {
        $("playback").src = URL.createObjectURL(new Blob(chunks.map(function (c) { return c.blob; }), { type: recorder.mimeType }));
        step("review");
        say(root.dataset.review);
      });
    }, 100);
  }

  function sha256(blob) {
    return blob.arrayBuffer().then(function (buffer) { return crypto.subtle.digest("SHA-256", buffer); }).then(function (hash) {
      return Array.prototype.map.call(new Uint8Array(hash), function (x) { return (x + 256).toString(16).slice(1); }).join("");
    });
  }

  function keep() {
    var t = take;
    step("idle"); $("elapsed").textContent = "00:00";
    chunksOf(t.id).then(function (chunks) {
      return sha256(new Blob(chunks.map(function (c) { return c.blob; })));
    }).then(function (hash) {
      t.sha256 = hash; t.state = "kept";
      root.dataset.sha256 = hash;
      return saveTake(t);
    }).then(function () { say(root.dataset.uploading); pump(); });
  }

  function redo() {
    var id = take.id;
    step("idle"); $("elapsed").textContent = "00:00";
    dropTake(id).then(render);
    send("DELETE", base + id + "/").catch(function () { /* the server forgets it after a week */ });
  }

  // --- upload ---
  function send(method, url, body) {
    var headers = { "X-CSRFToken": csrf };
    if (typeof body === "string") headers["Content-Type"] = "application/json";
    return fetch(url, { method: method, body: body, headers: headers, credentials: "same-origin" }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) { data.httpStatus = response.status; return data; });
    });
  }

  function sync(t) {
    // After a reload or a lost answer, ask which chunks the server already holds.
    if (checked[t.id]) return Promise.resolve();
    return send("GET", base + t.id + "/").then(function (status) {
      checked[t.id] = true;
      var held = {}, done = status.state === "done";
      (status.chunks || []).forEach(function (c) { held[c[0] + ":" + c[1] + ":" + c[2]] = true; });
      return chunksOf(t.id).then(function (chunks) {
        var s = store("chunks", "readwrite");
        chunks.forEach(function (c) { c.sent = done || !!held[c.index + ":" + c.offset + ":" + c.blob.size]; s.put(c); });
      });
    });
  }

  // fetch() cannot report an upload's progress; XMLHttpRequest can, chunk by chunk.
  function put(url, blob, progress) {
    return new Promise(function (ok, fail) {
      var xhr = new XMLHttpRequest();
      xhr.open("PUT", url);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.upload.onprogress = function (event) { progress(event.loaded); };
      xhr.onload = function () {
        var data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: the status says enough */ }
        data.httpStatus = xhr.status; ok(data);
      };
      xhr.onerror = function () { fail(new TypeError("network")); };
      xhr.send(blob);
    });
  }

  // Bytes the server has of a kept take, as they go: the truth, not a guess.
  function sending(t, chunks, extra) {
    if (t.state !== "kept") return;
    var sent = extra;
    chunks.forEach(function (c) { if (c.sent) sent += c.blob.size; });
    sent = Math.min(sent, t.size);
    show("sending", true);
    $("sent").value = t.size ? Math.round(100 * sent / t.size) : 100;
    $("sent-label").textContent = root.dataset.sent + " " + kb(sent) + " / " + kb(t.size);
    root.dataset.sentBytes = sent;
  }
  function kb(bytes) { return (bytes / 1024).toFixed(bytes < 10240 ? 1 : 0) + " KB"; }

  function upload(t) {
    return sync(t).then(function () { return chunksOf(t.id); }).then(function (chunks) {
      var next = chunks.filter(function (c) { return !c.sent; })[0];
      sending(t, chunks, 0);
      if (next) {
        var url = base + t.id + "/chunks/" + next.index + "?offset=" + next.offset;
        return put(url, next.blob, function (loaded) { sending(t, chunks, loaded); }).then(function (r) {
          if (r.error === "interrupted") throw new TypeError("interrupted");  // sent again, like a dropped line
          if (r.httpStatus >= 400) return refused(t, r);
          next.sent = true;
          return request(store("chunks", "readwrite").put(next)).then(function () { return upload(t); });
        });
      }
      if (t.state !== "kept") return null;
      var body = JSON.stringify({ sha256: t.sha256, size: t.size, chunks: t.chunks, filename: t.filename, meta: t.meta });
      return send("POST", base + t.id + "/commit", body).then(function (r) {
        if (r.httpStatus === 200) return finished(t, r);
        if (r.error === "missing_chunks" || r.error === "checksum") {
          checked[t.id] = false;
          return null;
        }
        if (r.httpStatus === 202) return null;
        return refused(t, r);
      });
    });
  }

  // A refusal ends in "failed" with the audio kept, so nothing is lost on a guess; only a take
  // this phone has already forgotten (redone while its chunk was on its way) ends quietly.
  function refused(t, r) {
    if (r.error !== "upload_discarded") return Promise.reject(r);
    return request(store("takes").get(t.id)).then(function (kept) { if (kept) throw r; return null; });
  }

  function pump() {
    if (busy || !db) return;
    busy = true;
    allTakes().then(function (takes) {
      return takes.reduce(function (done, t) {
        return done.then(function () {
          if (t.state === "failed") return null;
          return upload(t).catch(function (error) {
            if (!error || !error.zh) throw error;
            // Refused for a reason a person can act on: say it, keep the audio on the phone.
            t.state = "failed"; t.error = error.zh + "（" + error.en + "）";
            say(t.error);
            return saveTake(t);
          });
        });
      }, Promise.resolve());
    }).then(function () { retry = 1000; }, function () {
      // A network drop: the audio stays in IndexedDB; try again, less and less often.
      say(root.dataset.offline);
      setTimeout(pump, retry); retry = Math.min(retry * 2, 30000);
    }).then(function () { busy = false; render(); });
  }

  function finished(t, answer) {
    root.dataset.recordingId = answer.recording;
    root.dataset.sha256 = t.sha256;
    return dropTake(t.id).then(function () {
      if (t.meta.kind === "consent") { location.assign(root.dataset.done); return; }
      say(root.dataset.uploaded);
      follow(answer);
    });
  }

  // After the upload: the job's own state and progress as the worker writes it, then the
  // transcript and a link to review it.
  function follow(answer) {
    if (!answer || answer.httpStatus >= 400) return;
    show("sending", false);
    show("result", true);
    var job = answer.job, running = job && (job.status === "queued" || job.status === "running");
    $("progress").value = job ? job.progress : 100;
    $("job").textContent = job ? job.label + (running ? " " + Math.round(job.progress) + "%" : "") : root.dataset.saved;
    if (job && job.error) $("job").textContent += "：" + job.error;
    var list = $("transcript");
    list.textContent = "";
    answer.transcript.forEach(function (text) { var li = document.createElement("li"); li.textContent = text; list.appendChild(li); });
    if (running) {
      say(job.status === "running" ? root.dataset.transcribing : root.dataset.queued);
      setTimeout(function () {
        send("GET", root.dataset.status.replace("/0/", "/" + answer.recording + "/")).then(follow, function () { setTimeout(function () { follow(answer); }, 5000); });
      }, 1500);
      return;
    }
    if (job && job.status === "done") say(root.dataset.transcribed);
    if (answer.review && job) { $("review-link").href = answer.review; show("review-link", true); }
  }

  function render() {
    if (!db) return;
    allTakes().then(function (takes) {
      var waiting = takes.filter(function (t) { return !(take && t.id === take.id && (t.state === "recording" || t.state === "recorded")); });
      var list = $("queue");
      list.textContent = "";
      waiting.forEach(function (t) {
        var li = document.createElement("li");
        li.textContent = new Date(t.created).toLocaleTimeString("zh-CN") + " · " + Math.ceil(t.size / 1024) + " KB · " +
          (t.state === "failed" ? t.error : root.dataset.waiting);
        list.appendChild(li);
      });
      show("queue-box", waiting.length > 0);
      root.dataset.pending = waiting.length;
    });
  }

  // A tab closed while recording leaves a take half-made: keep what was recorded.
  function resume() {
    return allTakes().then(function (takes) {
      return Promise.all(takes.filter(function (t) { return t.state === "recording" || t.state === "recorded"; }).map(function (t) {
        return chunksOf(t.id).then(function (chunks) {
          return sha256(new Blob(chunks.map(function (c) { return c.blob; })));
        }).then(function (hash) { t.sha256 = hash; t.state = "kept"; return saveTake(t); });
      }));
    });
  }

  // Topic prompts the facilitator chose: one at a time, the next at a tap.
  var prompts = $("prompts") ? JSON.parse($("prompts").textContent) : [], shown = 0;
  if ($("next-prompt")) $("next-prompt").addEventListener("click", function () {
    shown = (shown + 1) % prompts.length;
    $("prompt").textContent = prompts[shown];
  });

  $("rec").addEventListener("click", start);
  $("pause").addEventListener("click", pause);
  $("stop").addEventListener("click", stop);
  $("keep").addEventListener("click", keep);
  $("redo").addEventListener("click", redo);
  window.addEventListener("online", function () { retry = 1000; pump(); });
  openDb().then(function (opened) { db = opened; return resume(); }).then(function () { render(); pump(); });
})();
