// @ts-check
// VS Code theme variables as a webview receives them (a realistic subset of Dark Modern, Light+
// and Dark High Contrast), plus VS Code's default webview stylesheet. The harness injects these
// the way VS Code does: variables on <html>, a theme class on <body>.

const fonts = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-weight': 'normal',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"Droid Sans Mono", "DejaVu Sans Mono", monospace',
  '--vscode-editor-font-weight': 'normal',
  '--vscode-editor-font-size': '14px',
};

/**
 * A VS Code theme as a webview sees it: the class and data attributes VS Code puts on <body> and
 * the CSS variables it sets on <html>.
 * @typedef {{ bodyClass: string, kind: string, name: string, vars: Record<string, string> }} Theme
 */

/** @type {Record<'dark' | 'light' | 'hc', Theme>} */
export const themes = {
  dark: {
    bodyClass: 'vscode-dark',
    kind: 'vscode-dark',
    name: 'Dark Modern',
    vars: {
      ...fonts,
      '--vscode-input-background': '#313131',
      '--vscode-input-border': '#3c3c3c',
      '--vscode-editorWidget-background': '#202020',
      '--vscode-panel-background': '#181818',
      '--vscode-panelTitle-activeBorder': '#0078d4',
      '--vscode-panelTitle-activeForeground': '#e7e7e7',
      '--vscode-panelTitle-inactiveForeground': '#9d9d9d',
      '--vscode-textBlockQuote-background': '#2b2b2b',
      '--vscode-textBlockQuote-border': '#616161',
      '--vscode-editorInfo-foreground': '#3794ff',
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-errorForeground': '#f85149',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-icon-foreground': '#cccccc',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-widget-border': '#313131',
      '--vscode-editorWidget-border': '#454545',
      '--vscode-sideBar-background': '#181818',
      '--vscode-sideBarSectionHeader-background': '#181818',
      '--vscode-sideBarTitle-foreground': '#cccccc',
      '--vscode-list-activeSelectionBackground': '#04395e',
      '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-list-inactiveSelectionBackground': '#37373d',
      '--vscode-list-hoverBackground': '#2a2d2e',
      '--vscode-list-focusOutline': '#0078d4',
      '--vscode-tree-indentGuidesStroke': '#585858',
      '--vscode-badge-background': '#616161',
      '--vscode-badge-foreground': '#f8f8f8',
      '--vscode-charts-foreground': '#cccccc',
      '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-terminal-ansiCyan': '#11a8cd',
      '--vscode-terminal-ansiMagenta': '#bc3fbc',
      '--vscode-textLink-foreground': '#4daafc',
      '--vscode-textLink-activeForeground': '#4daafc',
      '--vscode-textPreformat-foreground': '#d0d0d0',
      '--vscode-textPreformat-background': '#3c3c3c',
      '--vscode-textCodeBlock-background': 'rgba(10, 10, 10, 0.4)',
      '--vscode-toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
      '--vscode-toolbar-activeBackground': 'rgba(99, 102, 103, 0.31)',
      '--vscode-sash-hoverBorder': '#0078d4',
      '--vscode-scrollbarSlider-background': 'rgba(121, 121, 121, 0.4)',
      '--vscode-scrollbarSlider-hoverBackground': 'rgba(100, 100, 100, 0.7)',
      '--vscode-scrollbarSlider-activeBackground': 'rgba(191, 191, 191, 0.4)',
      '--vscode-progressBar-background': '#0078d4',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-inputValidation-errorBackground': '#5a1d1d',
      '--vscode-inputValidation-errorBorder': '#be1100',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-symbolIcon-eventForeground': '#ee9d28',
      '--vscode-debugTokenExpression-name': '#c586c0',
      '--vscode-debugTokenExpression-value': 'rgba(204, 204, 204, 0.6)',
      '--vscode-debugTokenExpression-string': '#ce9178',
      '--vscode-debugTokenExpression-boolean': '#4e94ce',
      '--vscode-debugTokenExpression-number': '#b5cea8',
      '--vscode-debugTokenExpression-error': '#f48771',
      '--vscode-settings-checkboxBackground': '#313131',
      '--vscode-settings-checkboxBorder': '#3c3c3c',
      '--vscode-settings-checkboxForeground': '#cccccc',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    kind: 'vscode-light',
    name: 'Light+',
    vars: {
      ...fonts,
      '--vscode-input-background': '#ffffff',
      '--vscode-input-border': '#cecece',
      '--vscode-editorWidget-background': '#f8f8f8',
      '--vscode-panel-background': '#f8f8f8',
      '--vscode-panelTitle-activeBorder': '#005fb8',
      '--vscode-panelTitle-activeForeground': '#3b3b3b',
      '--vscode-panelTitle-inactiveForeground': '#3b3b3b',
      '--vscode-textBlockQuote-background': '#f8f8f8',
      '--vscode-textBlockQuote-border': '#e5e5e5',
      '--vscode-editorInfo-foreground': '#1a85ff',
      '--vscode-foreground': '#616161',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-errorForeground': '#a1260d',
      '--vscode-focusBorder': '#0090f1',
      '--vscode-icon-foreground': '#424242',
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#000000',
      '--vscode-panel-border': 'rgba(128, 128, 128, 0.35)',
      '--vscode-widget-border': '#d4d4d4',
      '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-sideBar-background': '#f3f3f3',
      '--vscode-sideBarSectionHeader-background': 'rgba(0, 0, 0, 0)',
      '--vscode-sideBarTitle-foreground': '#6f6f6f',
      '--vscode-list-activeSelectionBackground': '#0060c0',
      '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-list-activeSelectionIconForeground': '#ffffff',
      '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
      '--vscode-list-hoverBackground': '#e8e8e8',
      '--vscode-list-focusOutline': '#0090f1',
      '--vscode-tree-indentGuidesStroke': '#a9a9a9',
      '--vscode-badge-background': '#c4c4c4',
      '--vscode-badge-foreground': '#333333',
      '--vscode-charts-foreground': '#616161',
      '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
      '--vscode-terminal-ansiCyan': '#0598bc',
      '--vscode-terminal-ansiMagenta': '#bc05bc',
      '--vscode-textLink-foreground': '#006ab1',
      '--vscode-textLink-activeForeground': '#006ab1',
      '--vscode-textPreformat-foreground': '#a31515',
      '--vscode-textPreformat-background': 'rgba(0, 0, 0, 0.1)',
      '--vscode-textCodeBlock-background': 'rgba(220, 220, 220, 0.4)',
      '--vscode-toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)',
      '--vscode-toolbar-activeBackground': 'rgba(166, 166, 166, 0.31)',
      '--vscode-sash-hoverBorder': '#0090f1',
      '--vscode-scrollbarSlider-background': 'rgba(100, 100, 100, 0.4)',
      '--vscode-scrollbarSlider-hoverBackground': 'rgba(100, 100, 100, 0.7)',
      '--vscode-scrollbarSlider-activeBackground': 'rgba(0, 0, 0, 0.6)',
      '--vscode-progressBar-background': '#0e70c0',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-inputValidation-errorBackground': '#f2dede',
      '--vscode-inputValidation-errorBorder': '#be1100',
      '--vscode-testing-iconPassed': '#388a34',
      '--vscode-symbolIcon-eventForeground': '#d67e00',
      '--vscode-debugTokenExpression-name': '#9b46b0',
      '--vscode-debugTokenExpression-value': 'rgba(108, 108, 108, 0.8)',
      '--vscode-debugTokenExpression-string': '#a31515',
      '--vscode-debugTokenExpression-boolean': '#0000ff',
      '--vscode-debugTokenExpression-number': '#098658',
      '--vscode-debugTokenExpression-error': '#e51400',
      '--vscode-settings-checkboxBackground': '#ffffff',
      '--vscode-settings-checkboxBorder': '#cecece',
      '--vscode-settings-checkboxForeground': '#616161',
    },
  },
  hc: {
    bodyClass: 'vscode-high-contrast',
    kind: 'vscode-high-contrast',
    name: 'Dark High Contrast',
    vars: {
      ...fonts,
      '--vscode-input-background': '#000000',
      '--vscode-input-border': '#6fc3df',
      '--vscode-editorWidget-background': '#0c141f',
      '--vscode-panel-background': '#000000',
      '--vscode-panelTitle-activeBorder': '#6fc3df',
      '--vscode-panelTitle-activeForeground': '#ffffff',
      '--vscode-panelTitle-inactiveForeground': '#ffffff',
      '--vscode-textBlockQuote-background': '#000000',
      '--vscode-textBlockQuote-border': '#ffffff',
      '--vscode-editorInfo-foreground': '#3794ff',
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': 'rgba(255, 255, 255, 0.7)',
      '--vscode-errorForeground': '#f48771',
      '--vscode-focusBorder': '#f38518',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-icon-foreground': '#ffffff',
      '--vscode-editor-background': '#000000',
      '--vscode-editor-foreground': '#ffffff',
      '--vscode-panel-border': '#6fc3df',
      '--vscode-widget-border': '#6fc3df',
      '--vscode-editorWidget-border': '#6fc3df',
      '--vscode-sideBar-background': '#000000',
      '--vscode-sideBarTitle-foreground': '#ffffff',
      '--vscode-list-focusOutline': '#f38518',
      '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-list-inactiveSelectionForeground': '#ffffff',
      '--vscode-tree-indentGuidesStroke': '#a9a9a9',
      '--vscode-badge-background': '#000000',
      '--vscode-badge-foreground': '#ffffff',
      '--vscode-charts-foreground': '#ffffff',
      '--vscode-charts-lines': 'rgba(255, 255, 255, 0.5)',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-yellow': '#ffd700',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-terminal-ansiCyan': '#00ffff',
      '--vscode-terminal-ansiMagenta': '#ff00ff',
      '--vscode-textLink-foreground': '#21a6ff',
      '--vscode-textLink-activeForeground': '#21a6ff',
      '--vscode-textPreformat-foreground': '#ffffff',
      '--vscode-textPreformat-background': '#000000',
      '--vscode-textCodeBlock-background': '#000000',
      '--vscode-sash-hoverBorder': '#f38518',
      '--vscode-scrollbarSlider-background': 'rgba(111, 195, 223, 0.6)',
      '--vscode-scrollbarSlider-hoverBackground': 'rgba(111, 195, 223, 0.8)',
      '--vscode-scrollbarSlider-activeBackground': '#6fc3df',
      '--vscode-progressBar-background': '#6fc3df',
      '--vscode-editorWarning-foreground': '#ffd370',
      '--vscode-inputValidation-errorBackground': '#000000',
      '--vscode-inputValidation-errorBorder': '#6fc3df',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-symbolIcon-eventForeground': '#ee9d28',
      '--vscode-debugTokenExpression-name': '#ffffff',
      '--vscode-debugTokenExpression-value': '#ffffff',
      '--vscode-debugTokenExpression-string': '#f48771',
      '--vscode-debugTokenExpression-boolean': '#75bdfe',
      '--vscode-debugTokenExpression-number': '#89d185',
      '--vscode-debugTokenExpression-error': '#f48771',
      '--vscode-settings-checkboxBackground': '#000000',
      '--vscode-settings-checkboxBorder': '#6fc3df',
      '--vscode-settings-checkboxForeground': '#ffffff',
    },
  },
};

/** VS Code's default webview stylesheet (workbench/contrib/webview/browser/pre/index.html). */
export const defaultWebviewCss = `
html { scrollbar-color: var(--vscode-scrollbarSlider-background) var(--vscode-editor-background); }
body {
  background-color: transparent;
  color: var(--vscode-editor-foreground);
  font-family: var(--vscode-font-family);
  font-weight: var(--vscode-font-weight);
  font-size: var(--vscode-font-size);
  margin: 0;
  padding: 0 20px;
}
img, video { max-width: 100%; max-height: 100%; }
a, a code { color: var(--vscode-textLink-foreground); }
a:hover { color: var(--vscode-textLink-activeForeground); }
a:focus, input:focus, select:focus, textarea:focus { outline: 1px solid -webkit-focus-ring-color; outline-offset: -1px; }
code {
  font-family: var(--monaco-monospace-font);
  color: var(--vscode-textPreformat-foreground);
  background-color: var(--vscode-textPreformat-background);
  padding: 1px 3px;
  border-radius: 4px;
}
pre code { padding: 0; }
blockquote { background: var(--vscode-textBlockQuote-background); border-color: var(--vscode-textBlockQuote-border); }
::-webkit-scrollbar { width: 10px; height: 10px; }
::-webkit-scrollbar-corner { background-color: var(--vscode-editor-background); }
::-webkit-scrollbar-thumb { background-color: var(--vscode-scrollbarSlider-background); }
::-webkit-scrollbar-thumb:hover { background-color: var(--vscode-scrollbarSlider-hoverBackground); }
::-webkit-scrollbar-thumb:active { background-color: var(--vscode-scrollbarSlider-activeBackground); }
`;
