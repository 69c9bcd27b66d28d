// CodeMirror 6 with Python highlighting, bundled by esbuild into vendor/editor.js.
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";

export { EditorView, basicSetup, keymap, indentWithTab, python };
