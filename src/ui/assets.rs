//! The page head's links to the bundle: the stylesheet, the browser module and its wasm,
//! and the script that wakes the islands.
//!
//! Leptos' `HashedStylesheet` and `HydrationScripts` write the same tags, but read the
//! build's `hash.txt` from disk on every page (twice, with a `current_exe` lookup each
//! time), a visible share of a page's time in a release profile. The names are fixed for
//! the life of the process, so they are worked out once here.
use leptos::prelude::*;
use std::sync::OnceLock;

/// The bundle's file names under the package directory, hashed in a release build.
struct Bundle {
    css: String,
    js: String,
    wasm: String,
}

fn bundle(options: &LeptosOptions) -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let name = options.output_name.to_string();
        let (mut css, mut js, mut wasm) = (name.clone(), name.clone(), name);
        if options.hash_files {
            // Beside the binary, as cargo-leptos leaves it (and as Leptos looks for it).
            let path = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())));
            match path.and_then(|p| std::fs::read_to_string(p).ok()) {
                Some(hashes) => {
                    for (file, hash) in hashes.lines().filter_map(|l| l.split_once(':')) {
                        let target = match file.trim() {
                            "css" => &mut css,
                            "js" => &mut js,
                            "wasm" => &mut wasm,
                            _ => continue,
                        };
                        target.push('.');
                        target.push_str(hash.trim());
                    }
                }
                None => tracing::error!("file hashing is on but hash.txt is not beside the binary"),
            }
        } else if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            // wasm-bindgen's own name, when cargo-leptos did not name the output.
            wasm.push_str("_bg");
        }
        Bundle {
            css: format!("{css}.css"),
            js,
            wasm,
        }
    })
}

/// `<link rel="stylesheet">` for the site's CSS (Leptos' `HashedStylesheet`).
#[component]
pub fn BundleStylesheet(options: LeptosOptions) -> impl IntoView {
    let href = format!("/{}/{}", options.site_pkg_dir, bundle(&options).css);
    view! { <link rel="stylesheet" id="leptos" href=href /> }
}

/// Preloads the browser module and its wasm, and loads them when the page is idle to wake
/// the islands (Leptos' `HydrationScripts` in islands mode).
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    let tags = island_tags(&options);
    // Islands are hydrated one by one by the loader, not by walking the whole page.
    if let Some(shared) = Owner::current_shared_context() {
        shared.set_is_hydrating(false);
    }
    let nonce = leptos::nonce::use_nonce();
    view! {
        <link rel="modulepreload" href=tags.js.as_str() crossorigin="anonymous" />
        <link rel="preload" href=tags.wasm.as_str() r#as="fetch"
            r#type="application/wasm" crossorigin="anonymous" />
        <script type="module" nonce=nonce inner_html=tags.call.as_str()></script>
    }
}

/// What [`IslandScripts`] writes apart from the nonce, the same for every page: made
/// once (the loader's call is 2 KB).
struct IslandTags {
    js: String,
    wasm: String,
    call: String,
}

fn island_tags(options: &LeptosOptions) -> &'static IslandTags {
    // Leptos 0.8's island loader (`leptos/src/hydration/island_script.js`), as it writes it.
    const LOADER: &str = include_str!("island_script.js");
    static TAGS: OnceLock<IslandTags> = OnceLock::new();
    TAGS.get_or_init(|| {
        let pkg = options.site_pkg_dir.to_string();
        let files = bundle(options);
        IslandTags {
            js: format!("/{pkg}/{}.js", files.js),
            wasm: format!("/{pkg}/{}.wasm", files.wasm),
            call: format!(
                "{LOADER}({:?}, {pkg:?}, {:?}, {:?}, false);",
                "", files.js, files.wasm
            ),
        }
    })
}

/// Whether cargo-leptos watches the sources (its live-reload script is then included).
pub fn watching() -> bool {
    static WATCHING: OnceLock<bool> = OnceLock::new();
    *WATCHING.get_or_init(|| std::env::var_os("LEPTOS_WATCH").is_some())
}
