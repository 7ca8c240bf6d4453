// The admin's JSON editor (controlplane/admin_json.py): says whether the text is JSON as it is typed,
// and formats it on request. The server checks again; this only saves a round trip.
"use strict";
(function () {
    function attach(area) {
        if (area.dataset.jsonEditorReady) { return; }
        area.dataset.jsonEditorReady = "1";
        const status = document.createElement("p");
        status.className = "json-editor-status";
        status.setAttribute("aria-live", "polite");
        const message = document.createElement("span");
        const format = document.createElement("button");
        format.type = "button";
        format.textContent = "Format JSON";
        status.append(message, format);
        area.after(status);
        function check() {
            const text = area.value.trim();
            if (!text) {
                message.textContent = "Empty";
                status.className = "json-editor-status valid";
                area.removeAttribute("aria-invalid");
                return null;
            }
            try {
                const value = JSON.parse(text);
                message.textContent = "Valid JSON";
                status.className = "json-editor-status valid";
                area.removeAttribute("aria-invalid");
                return value;
            } catch (error) {
                message.textContent = "Not valid JSON: " + error.message;
                status.className = "json-editor-status invalid";
                area.setAttribute("aria-invalid", "true");
                return undefined;
            }
        }
        format.addEventListener("click", function () {
            const value = check();
            if (value !== undefined && value !== null) {
                area.value = JSON.stringify(value, null, 2);
            }
        });
        area.addEventListener("input", check);
        check();
    }
    function attachAll(root) {
        root.querySelectorAll("textarea[data-json-editor]").forEach(attach);
    }
    document.addEventListener("DOMContentLoaded", function () { attachAll(document); });
    document.addEventListener("formset:added", function (event) { attachAll(event.target); });
})();
