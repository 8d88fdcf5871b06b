import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.js";
import { parseHash } from "./model/route.js";
import { loadView } from "./views/load.js";
import "./styles/base.css";
import "./components/fonts.js";

const first = parseHash(window.location.hash);
if (first.view !== "signin") void loadView[first.view]().catch(() => {});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
