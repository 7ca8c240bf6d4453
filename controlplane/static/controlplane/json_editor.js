// The admin's JSON editor (controlplane/admin_json.py): says whether the text is JSON as it is typed,
// formats it on request, and offers the placeholder (an example) as a start while the area is empty.
// The server checks again; this only saves a round trip.
"use strict";
(function () {
    function button(text) {
        const element = document.createElement("button");
        element.type = "button";
        element.textContent = text;
        return element;
    }
    function attach(area) {
        if (area.dataset.jsonEditorReady) { return; }
        area.dataset.jsonEditorReady = "1";
        const status = document.createElement("p");
        status.className = "json-editor-status";
        status.setAttribute("aria-live", "polite");
        const message = document.createElement("span");
        const format = button("Format JSON");
        const example = button("Start from the example");
        status.append(message, format);
        if (area.placeholder) { status.append(example); }
        area.after(status);
        function show(text, state) {
            message.textContent = text;
            status.className = "json-editor-status " + state;
        }
        function check() {
            const text = area.value.trim();
            example.hidden = text !== "";
            format.hidden = text === "";
            if (!text) {
                show(area.required ? "Empty: a value is required." : "Empty.", "valid");
                area.removeAttribute("aria-invalid");
                return null;
            }
            try {
                const value = JSON.parse(text);
                show("Valid JSON.", "valid");
                area.removeAttribute("aria-invalid");
                return value;
            } catch (error) {
                show("Not valid JSON: " + error.message, "invalid");
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
        example.addEventListener("click", function () {
            area.value = area.placeholder;
            check();
            area.focus();
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
