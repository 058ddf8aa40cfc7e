"""The explorer's look: a quiet, dense layout that reads at 1366 x 768."""

from __future__ import annotations

__all__ = ["CSS"]

CSS = """
html, body { overflow: hidden !important; }
.recsim-root { height: 100vh; }
.recsim-app { display: grid; grid-template-columns: 372px 1fr; grid-template-rows: 48px 1fr;
    height: 100vh; background: #f6f7f9; font-family: Roboto, sans-serif; }
.recsim-bar { grid-column: 1 / span 2; display: flex; align-items: center; gap: 16px;
    padding: 0 18px; background: #1f3a5f; color: white; }
.recsim-brand { font-size: 17px; font-weight: 500; letter-spacing: 0.02em; }
.recsim-tagline { font-size: 13px; color: #c7d2e0; }
.recsim-side { overflow-y: auto; padding: 10px 12px 16px; background: white;
    border-right: 1px solid #e5e7eb; }
.recsim-content { overflow-y: auto; padding: 12px 24px 24px 18px; min-width: 0; }
.v-toolbar__title { font-weight: 500; letter-spacing: 0.01em; }
.recsim-section-title { font-size: 12px; font-weight: 600; text-transform: uppercase;
    letter-spacing: 0.06em; color: #4b5563; }
.recsim-panels .v-expansion-panel-title { min-height: 40px !important; padding: 8px 10px; }
.recsim-panels .v-expansion-panel-text__wrapper { padding: 4px 8px 12px; }
.recsim-panels .v-expansion-panel { border-bottom: 1px solid #e5e7eb; }
.recsim-control { display: grid; grid-template-columns: 128px 1fr; align-items: center;
    column-gap: 4px; margin: 0; min-height: 34px; }
.recsim-label { font-size: 12.5px; color: #374151; line-height: 1.2; }
.recsim-control .recsim-problem { grid-column: 1 / span 2; }
.recsim-slider { margin: 0 !important; }
.recsim-slider .v-input__append { margin-inline-start: 6px !important; padding: 0 !important; }
.recsim-slider .v-slider.v-input--horizontal { margin-inline: 4px 0; }
.recsim-number { width: 56px; flex: 0 0 56px; }
.recsim-number .v-field__input { min-height: 28px !important; padding: 2px 2px !important;
    font-size: 12.5px; text-align: right; }
.recsim-number input::-webkit-inner-spin-button { display: none; }
.recsim-problem { color: #b42318; font-size: 12px; line-height: 1.35; margin: 2px 0 6px;
    word-break: break-word; }
.recsim-note { color: #6b7280; font-size: 12px; margin: 2px 0 6px; display: block; }
.recsim-description { color: #374151; font-size: 13px; line-height: 1.4; margin: 6px 0 8px; }
.recsim-field { flex: 1 1 0; min-width: 0; }
.recsim-pair { gap: 8px; flex-wrap: nowrap; align-items: center; }
.recsim-simulation { gap: 8px; flex-wrap: nowrap; }
.recsim-uncertainty { margin: 4px 0 0; }
.recsim-uncertainty .v-label { font-size: 13px; opacity: 1; color: #374151; }
.recsim-shock { border: 1px solid #e5e7eb; border-radius: 6px; padding: 6px 8px 8px;
    margin: 0 0 8px; background: #fafafa; }
.recsim-shock-head { align-items: center; flex-wrap: nowrap; gap: 4px; }
.recsim-timing { margin: 6px 0 4px; }
.recsim-toggle { height: 28px !important; border: 1px solid #d1d5db; border-radius: 4px; }
.recsim-toggle .v-btn { font-size: 12px; text-transform: none; letter-spacing: 0;
    height: 26px !important; padding: 0 10px !important; }
.recsim-toggle .v-btn--active { background: #1f3a5f; color: white; }
.recsim-side .v-field { font-size: 13px; }
.recsim-side .v-field__input { min-height: 40px !important; padding-top: 16px !important;
    padding-bottom: 2px !important; }
.recsim-side .v-field--variant-outlined .v-field__input { padding-top: 8px !important;
    padding-bottom: 8px !important; }
.recsim-side .v-label.v-field-label { font-size: 12px; }
.recsim-side .v-label.v-field-label--floating { font-size: 11px; }
.recsim-side .recsim-number .v-field__input { min-height: 28px !important;
    padding: 2px 2px !important; }
.recsim-shock .v-input { margin-bottom: 4px; }
.recsim-shock .v-select__selection-text { font-size: 13px; }
.recsim-actions { gap: 8px; flex-wrap: wrap; margin: 6px 0; }
.recsim-side .v-btn { text-transform: none; letter-spacing: 0.01em; }
.recsim-reset { margin-top: 6px; }
.recsim-saved { font-size: 12px; color: #374151; word-break: break-all; margin: 4px 0; }
.recsim-saved code { font-size: 11.5px; }
.recsim-header { display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; }
.recsim-title { font-size: 20px; font-weight: 500; color: #111827; }
.recsim-badge { font-size: 11px; padding: 1px 8px; border-radius: 10px; background: #fde68a;
    color: #78350f; }
.recsim-status { font-size: 12px; color: #6b7280; margin-left: auto; }
.recsim-status.recsim-busy { color: #1d4ed8; }
.recsim-lede { color: #374151; font-size: 13.5px; line-height: 1.45; margin: 2px 0 10px;
    max-width: 1100px; }
.recsim-headline { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px;
    margin-bottom: 10px; }
.recsim-stat { border: 1px solid #e5e7eb; border-radius: 8px; padding: 8px 12px;
    background: white; }
.recsim-stat-title { font-size: 12px; color: #6b7280; }
.recsim-stat-value { font-size: 22px; font-weight: 500; color: #111827; line-height: 1.25; }
.recsim-stat-note { font-size: 11.5px; color: #6b7280; }
.recsim-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; align-items: start; }
.recsim-wide { margin-top: 12px; }
.recsim-wide .recsim-figure img { max-width: 1000px; margin: 0 auto; }
.recsim-panel { border: 1px solid #e5e7eb; border-radius: 8px; padding: 8px; background: white;
    min-width: 0; }
.recsim-panel-title { font-size: 13px; font-weight: 600; color: #374151; margin: 0 0 4px 2px; }
.recsim-figure img { display: block; max-width: 100%; height: auto; }
.recsim-placeholder { color: #9ca3af; font-size: 13px; padding: 40px 0; text-align: center; }
.recsim-differences { border-collapse: collapse; width: 100%; font-size: 12.5px; }
.recsim-differences caption { caption-side: bottom; text-align: left; font-size: 11.5px;
    color: #6b7280; padding-top: 6px; }
.recsim-differences th { text-align: right; font-weight: 600; color: #4b5563;
    border-bottom: 1px solid #d1d5db; padding: 4px 6px; white-space: nowrap; }
.recsim-differences td { text-align: right; padding: 3px 6px; border-bottom: 1px solid #f3f4f6;
    white-space: nowrap; font-variant-numeric: tabular-nums; }
.recsim-differences th:first-child, .recsim-differences td:first-child { text-align: left; }
.recsim-differences td.recsim-name span { color: #9ca3af; font-size: 11px; }
.recsim-up { color: #b42318; font-weight: 600; }
.recsim-down { color: #1d4ed8; font-weight: 600; }
.recsim-muted { color: #6b7280; }
.recsim-fresh { opacity: 1; transition: opacity 0.2s; }
.recsim-stale { opacity: 0.55; transition: opacity 0.2s; }
"""
