// Answers that survive a weak signal: every change is kept in the browser at once and sent to
// the server a moment later; while the connection is down the changes wait, and they are sent
// when it returns. Each save names the version it was made from, so an older copy never
// overwrites a newer one on the server: a conflict is shown and what was typed stays in the form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft]");
  if (!form || !window.fetch || !window.localStorage) {
    return;
  }
  var key = "pingan:draft:" + form.dataset.draft;
  var criterion = Number(form.dataset.criterion);
  var status = form.querySelector("[data-draft-status]");
  var version = form.querySelector("[name=base_version]");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var names = ["veto_occurred", "met", "value", "score", "narrative"];
  var timer = null;
  var sending = false;
  var conflict = false;
  var afterSave = null;

  function show(text, kind) {
    status.textContent = text;
    status.className = "draft-status " + (kind || "muted");
  }

  function read() {
    var fields = {};
    names.forEach(function (name) {
      var inputs = form.querySelectorAll("[name=" + name + "]");
      if (!inputs.length) {
        return;
      }
      if (inputs[0].type === "radio") {
        var checked = form.querySelector("[name=" + name + "]:checked");
        fields[name] = checked ? checked.value : "";
      } else {
        fields[name] = inputs[0].value;
      }
    });
    return fields;
  }

  function write(fields) {
    Object.keys(fields).forEach(function (name) {
      form.querySelectorAll("[name=" + name + "]").forEach(function (input) {
        if (input.type === "radio") {
          input.checked = input.value === fields[name];
        } else {
          input.value = fields[name];
        }
      });
    });
  }

  function pending() {
    try {
      return JSON.parse(localStorage.getItem(key));
    } catch (error) {
      return null;
    }
  }

  // Whether the server's answer already says what the draft says (the draft was sent, and
  // only the acknowledgement was lost to a reload or a dropped connection).
  function same(fields, answer) {
    var flags = { "true": true, "false": false, "": null };
    return Object.keys(fields).every(function (name) {
      var mine = fields[name];
      var theirs = answer[name];
      if (name === "veto_occurred" || name === "met") {
        return flags[mine] === theirs;
      }
      if (name === "value" || name === "score") {
        return mine === "" ? theirs === null : theirs !== null && Number(mine) === Number(theirs);
      }
      return (mine || "") === (theirs || "");
    });
  }

  // The answer as the server rendered it into the form, before any draft is restored.
  function serverAnswer() {
    var fields = read();
    var flags = { "true": true, "false": false, "": null };
    var answer = {};
    Object.keys(fields).forEach(function (name) {
      if (name === "veto_occurred" || name === "met") {
        answer[name] = flags[fields[name]];
      } else if (name === "value" || name === "score") {
        answer[name] = fields[name] === "" ? null : fields[name];
      } else {
        answer[name] = fields[name];
      }
    });
    return answer;
  }

  function keep() {
    localStorage.setItem(key, JSON.stringify({ fields: read(), base: Number(version.value) }));
  }

  function payload(fields, base) {
    var body = { criterion_id: criterion, base_version: base, narrative: fields.narrative || "" };
    ["veto_occurred", "met"].forEach(function (name) {
      if (name in fields) {
        body[name] = fields[name] === "" ? null : fields[name] === "true";
      }
    });
    ["value", "score"].forEach(function (name) {
      if (name in fields) {
        body[name] = fields[name] === "" ? null : fields[name];
      }
    });
    return body;
  }

  function send() {
    var draft = pending();
    if (!draft || sending || conflict) {
      return;
    }
    if (!navigator.onLine) {
      show("网络已断开：修改已保存在本机，恢复连接后自动发送。", "offline");
      return;
    }
    sending = true;
    var sent = JSON.stringify(draft);
    fetch(form.dataset.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrf,
      },
      body: JSON.stringify(payload(draft.fields, draft.base)),
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { code: response.status, data: data };
        });
      })
      .then(function (result) {
        sending = false;
        if (result.code === 200) {
          var saved = result.data.answers.filter(function (a) {
            return a.criterion === criterion;
          })[0];
          version.value = saved.version;
          if (localStorage.getItem(key) === sent) {
            localStorage.removeItem(key);
            show("已自动保存(第" + saved.version + "版)。", "saved");
            if (afterSave) {
              var next = afterSave;
              afterSave = null;
              next();
            }
          } else {
            var newer = pending();
            newer.base = saved.version;
            localStorage.setItem(key, JSON.stringify(newer));
            send();
          }
        } else if (result.code === 409 && result.data.current && same(draft.fields, result.data.current)) {
          version.value = result.data.current.version;
          if (localStorage.getItem(key) === sent) {
            localStorage.removeItem(key);
            show("已自动保存(第" + result.data.current.version + "版)。", "saved");
          } else {
            var typed = pending();
            typed.base = result.data.current.version;
            localStorage.setItem(key, JSON.stringify(typed));
            send();
          }
        } else if (result.code === 409 && result.data.current) {
          conflict = true;
          afterSave = null;
          version.value = result.data.current.version;
          show(
            "服务器上已有较新的答案(第" + result.data.current.version + "版)，" +
              "没有覆盖。您填写的内容仍在表单中；核对后点击“保存并继续”，将以您的内容替换。",
            "conflict"
          );
        } else {
          afterSave = null;
          show(result.data.detail || "保存未成功，请检查填写的内容。", "error");
        }
      })
      .catch(function () {
        sending = false;
        show("网络不通：修改已保存在本机，恢复连接后自动发送。", "offline");
      });
  }

  function changed() {
    keep();
    show("正在保存……", "muted");
    window.clearTimeout(timer);
    timer = window.setTimeout(send, 500);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) {
    if (!navigator.onLine) {
      event.preventDefault();
      keep();
      show("网络已断开：修改已保存在本机，恢复连接后自动发送。", "offline");
      return;
    }
    if (!conflict && sending) {
      // Let the automatic save finish first, so the form goes on from its version.
      event.preventDefault();
      window.clearTimeout(timer);
      afterSave = function () {
        form.submit();
      };
      send();
      return;
    }
    window.clearTimeout(timer);
    localStorage.removeItem(key);
  });
  window.addEventListener("online", send);
  // A page brought back by the browser's back button holds the version it was left with,
  // older than the one its own save made: load it afresh rather than save from it.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });

  var draft = pending();
  if (draft && draft.base !== Number(version.value) && same(draft.fields, serverAnswer())) {
    localStorage.removeItem(key);
    draft = null;
    show("已自动保存(第" + version.value + "版)。", "saved");
  }
  if (draft) {
    write(draft.fields);
    if (draft.base !== Number(version.value)) {
      conflict = true;
      show(
        "本机有一份尚未发送的修改，但服务器上的答案已更新(第" + version.value + "版)。" +
          "表单中是您本机的内容；核对后点击“保存并继续”，将以它替换服务器上的答案。",
        "conflict"
      );
    } else {
      show("已恢复本机尚未发送的修改，正在发送……", "offline");
      send();
    }
  }
})();
