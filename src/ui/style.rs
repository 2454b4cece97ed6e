//! Tailwind class sets the hub pages share, so a button looks the same everywhere.

/// A white panel.
pub const CARD: &str = "rounded-xl border border-slate-200 bg-white p-5 shadow-sm";
/// The main action of a form, in the hub's colour.
pub const BUTTON: &str = "rounded-lg bg-brand px-4 py-2 font-semibold text-brand-contrast shadow-sm hover:opacity-90 disabled:cursor-not-allowed disabled:opacity-40";
/// A secondary action.
pub const SECONDARY: &str = "rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50";
/// A small action in a table row or list item.
pub const SMALL: &str = "rounded-lg border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50";
