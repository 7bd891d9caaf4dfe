// Recording a card in the browser, where the page may use the microphone
// (a secure context: HTTPS, or this machine's own address). Without it,
// or without scripts, the upload field beside each card still works.
//
// "Saved" is said only once the server has answered that it saved the
// recording; anything else is said as not saved, with the server's reason.
"use strict";

(function () {
  const canRecord =
    window.isSecureContext &&
    typeof window.MediaRecorder === "function" &&
    navigator.mediaDevices &&
    typeof navigator.mediaDevices.getUserMedia === "function";
  if (!canRecord) {
    return;
  }

  function button(text) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    return b;
  }

  // The server's reason, from the page it answered with.
  async function reason(response) {
    try {
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const problem = page.querySelector(".problem");
      if (problem) {
        return problem.textContent.trim();
      }
    } catch (e) {
      // fall through
    }
    return "the server did not take it (" + response.status + "). Try again.";
  }

  // One card's recorder, inside its recording form. `done` is called once
  // the recording is saved (or the person moves on).
  function recorder(form, done) {
    const box = document.createElement("div");
    box.className = "recorder";
    const status = document.createElement("p");
    status.setAttribute("role", "status");
    const record = button("Record");
    const save = button("Save this recording");
    save.className = "primary";
    save.hidden = true;
    const playback = document.createElement("audio");
    playback.controls = true;
    playback.hidden = true;
    box.append(record, playback, save, status);
    form.prepend(box);
    const upload = form.querySelector("label");
    if (upload && upload.textContent.startsWith("Upload ")) {
      upload.textContent = "Or upload " + upload.textContent.slice("Upload ".length);
    }

    let media = null;
    let chunks = [];
    let clip = null;

    record.addEventListener("click", async () => {
      if (media && media.state === "recording") {
        media.stop();
        return;
      }
      status.textContent = "";
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        media = new MediaRecorder(stream);
      } catch (e) {
        status.textContent =
          "The microphone cannot be used: allow it for this page, or upload a recording below.";
        status.setAttribute("role", "alert");
        return;
      }
      chunks = [];
      const started = Date.now();
      media.addEventListener("dataavailable", (e) => {
        chunks.push(e.data);
        if (media.state === "recording") {
          const seconds = Math.floor((Date.now() - started) / 1000);
          status.textContent =
            "Recording… " + seconds + " s. Say “" + form.dataset.card + "”, then press Stop.";
        }
      });
      media.addEventListener("stop", () => {
        media.stream.getTracks().forEach((t) => t.stop());
        clip = new Blob(chunks, { type: media.mimeType || "audio/webm" });
        playback.src = URL.createObjectURL(clip);
        playback.hidden = false;
        save.hidden = false;
        record.textContent = "Record again";
        status.textContent = "Listen to it, then save it (or record again). Not saved yet.";
      });
      // A piece every quarter second, so the time recorded can be shown.
      media.start(250);
      record.textContent = "Stop";
      save.hidden = true;
      status.textContent = "Recording… 0 s. Say “" + form.dataset.card + "”, then press Stop.";
    });

    save.addEventListener("click", async () => {
      if (!clip) {
        return;
      }
      const kind = clip.type.includes("mp4") ? "m4a" : clip.type.includes("ogg") ? "ogg" : "webm";
      const body = new FormData();
      body.append("csrf", form.querySelector("input[name=csrf]").value);
      body.append("recording", clip, "recording." + kind);
      save.disabled = true;
      status.textContent = "Saving…";
      status.setAttribute("role", "status");
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body: body,
          credentials: "same-origin",
        });
        if (response.ok && new URL(response.url).searchParams.has("saved")) {
          status.textContent = "Saved ✓";
          save.hidden = true;
          done(response.url);
        } else {
          status.textContent = "Not saved: " + (await reason(response));
          status.setAttribute("role", "alert");
        }
      } catch (e) {
        status.textContent = "Not saved: the connection dropped. Try again.";
        status.setAttribute("role", "alert");
      } finally {
        save.disabled = false;
      }
    });
    return box;
  }

  document.querySelectorAll("form.recording").forEach((form) => {
    recorder(form, (url) => {
      window.location.assign(url);
    });
  });

  // "Record them all": each card of a topic in turn, the next one as soon
  // as one is saved; the page shows them all once the last is done.
  document.querySelectorAll("section.topic.editing").forEach((topic) => {
    const forms = Array.from(topic.querySelectorAll("form.recording"));
    if (forms.length < 2) {
      return;
    }
    const start = button("Record them all, one after the other");
    topic.querySelector("ol.cards").before(start);
    start.addEventListener("click", () => {
      start.hidden = true;
      let at = 0;
      let last = null;
      const show = () => {
        forms.forEach((form, i) => {
          form.closest("li").classList.toggle("recording-now", i === at);
        });
        if (at >= forms.length) {
          window.location.assign(last || window.location.href);
          return;
        }
        const current = forms[at];
        current.closest("li").scrollIntoView({ block: "center" });
        const next = button("Skip this card");
        current.append(next);
        next.addEventListener("click", () => {
          next.remove();
          at += 1;
          show();
        });
        current.dataset.onSaved = "next";
        current.addEventListener(
          "sayso-saved",
          (e) => {
            last = e.detail;
            next.remove();
            at += 1;
            show();
          },
          { once: true }
        );
      };
      // In this mode, a saved recording moves on instead of reloading.
      forms.forEach((form) => {
        form.querySelector(".recorder").remove();
        recorder(form, (url) => form.dispatchEvent(new CustomEvent("sayso-saved", { detail: url })));
      });
      show();
    });
  });
})();
