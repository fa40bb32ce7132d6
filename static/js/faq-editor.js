// The FAQ's rich text editor: a contenteditable area with a small toolbar over each
// textarea[data-rich-text]. Written for the strict Content-Security-Policy: no inline
// styles or scripts, nothing injected into <head>, no eval. Without JavaScript the
// textarea stays a plain HTML field. The server sanitises whatever arrives (tickets/sanitize.py).
(function () {
  "use strict";

  const DROP_ELEMENTS = "script, style, link, meta, iframe, object, embed, form, input, button, textarea, select";
  const TOOLS = [
    ["bold", "bi-type-bold", "Bold", "bold"],
    ["italic", "bi-type-italic", "Italic", "italic"],
    ["h3", "bi-type-h3", "Heading", "formatBlock", "h3"],
    ["p", "bi-paragraph", "Paragraph", "formatBlock", "p"],
    ["ul", "bi-list-ul", "Bulleted list", "insertUnorderedList"],
    ["ol", "bi-list-ol", "Numbered list", "insertOrderedList"],
    ["quote", "bi-quote", "Quote", "formatBlock", "blockquote"],
    ["code", "bi-code-square", "Code", "formatBlock", "pre"],
    ["link", "bi-link-45deg", "Link", "createLink"],
    ["unlink", "bi-link", "Remove link", "unlink"],
    ["clear", "bi-eraser", "Clear formatting", "removeFormat"],
  ];

  // Parse HTML in an inert document and keep it free of what the policy (and the server) refuse:
  // no scripts, no style elements or attributes, no event handlers, no javascript: links.
  function cleanHtml(html) {
    const doc = new DOMParser().parseFromString("<body>" + (html || "") + "</body>", "text/html");
    doc.body.querySelectorAll(DROP_ELEMENTS).forEach((el) => el.remove());
    doc.body.querySelectorAll("*").forEach((el) => {
      for (const attr of Array.from(el.attributes)) {
        const name = attr.name.toLowerCase();
        const value = attr.value.trim().toLowerCase();
        if (name.startsWith("on") || name === "style" || name === "class" || name === "id") {
          el.removeAttribute(attr.name);
        } else if ((name === "href" || name === "src") && value.startsWith("javascript:")) {
          el.removeAttribute(attr.name);
        }
      }
    });
    return doc.body.innerHTML;
  }

  function setContent(area, html) {
    const doc = new DOMParser().parseFromString("<body>" + cleanHtml(html) + "</body>", "text/html");
    area.replaceChildren(...Array.from(doc.body.childNodes).map((n) => document.importNode(n, true)));
  }

  function run(area, tool) {
    const [, , , command, value] = tool;
    area.focus();
    if (command === "createLink") {
      const url = window.prompt(area.dataset.linkPrompt || "URL");
      if (!url || /^\s*javascript:/i.test(url)) return;
      document.execCommand(command, false, url);
    } else {
      document.execCommand(command, false, value || null);
    }
  }

  function attach(textarea) {
    const wrapper = document.createElement("div");
    wrapper.className = "faq-editor";
    const toolbar = document.createElement("div");
    toolbar.className = "btn-toolbar faq-editor-toolbar";
    toolbar.setAttribute("role", "toolbar");
    const area = document.createElement("div");
    area.className = "form-control faq-editor-area article-body";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    area.dataset.editorFor = textarea.id;
    const label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      if (!label.id) label.id = textarea.id + "-label";
      area.setAttribute("aria-labelledby", label.id);
    }
    for (const tool of TOOLS) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-secondary faq-tool-" + tool[0];
      button.title = tool[2];
      button.setAttribute("aria-label", tool[2]);
      const icon = document.createElement("i");
      icon.className = "bi " + tool[1];
      button.appendChild(icon);
      // mousedown would move the focus (and the selection) out of the area
      button.addEventListener("mousedown", (event) => event.preventDefault());
      button.addEventListener("click", () => {
        run(area, tool);
        textarea.value = area.innerHTML;
      });
      toolbar.appendChild(button);
    }
    setContent(area, textarea.value);
    area.addEventListener("input", () => {
      textarea.value = area.innerHTML;
    });
    area.addEventListener("paste", (event) => {
      const data = event.clipboardData;
      if (!data) return;
      event.preventDefault();
      const html = data.getData("text/html");
      if (html) {
        document.execCommand("insertHTML", false, cleanHtml(html));
      } else {
        document.execCommand("insertText", false, data.getData("text/plain"));
      }
      textarea.value = area.innerHTML;
    });
    textarea.hidden = true;
    textarea.parentNode.insertBefore(wrapper, textarea);
    wrapper.append(toolbar, area);
    if (textarea.form) {
      textarea.form.addEventListener("submit", () => {
        textarea.value = area.innerHTML;
      });
    }
  }

  document.execCommand("defaultParagraphSeparator", false, "p");
  document.querySelectorAll("textarea[data-rich-text]").forEach(attach);
})();
