// Lint: typescript-eslint's recommended rules on every package, with type information (so a promise
// nobody awaits is an error: no-floating-promises), and React's rules of hooks on the UI. Tests are
// linted with the programs that type-check them (tsconfig.test.json, test/tsconfig.json); plain
// JavaScript (bins, benchmarks, this file) gets the rules that need no types. Build output and data
// are ignored.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "data/**", "test-output/**", "models/assets/**", "floorplan-ui/public/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        setImmediate: "readonly",
        performance: "readonly",
        fetch: "readonly",
        URL: "readonly",
        TextDecoder: "readonly",
        TextEncoder: "readonly",
      },
      parserOptions: {
        project: [
          "core/tsconfig.test.json",
          "edge/tsconfig.test.json",
          "models/tsconfig.test.json",
          "server/tsconfig.test.json",
          "test/tsconfig.json",
          "test/browser/tsconfig.json",
          "floorplan-ui/tsconfig.json",
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      // A promise nobody awaits loses its error (an unhandled rejection ends the process) and its
      // order; `void promise` says the caller meant it.
      "@typescript-eslint/no-floating-promises": "error",
    },
  },
  {
    files: ["floorplan-ui/src/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      // React's own hooks. useAsync(load, deps) is not listed in additionalHooks: its callers list
      // a range by its from/to on purpose (a new range object with the same bounds must not reload).
      "react-hooks/exhaustive-deps": "error",
    },
  },
  { files: ["**/*.{js,mjs,cjs}"], ...tseslint.configs.disableTypeChecked },
);
