//! The loader reads only regular files inside `catalog/`: links, FIFOs and
//! devices are refused with a diagnostic that shows none of their contents,
//! and files that look like catalog files but are not read are named.

mod support;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use support::TempCatalog;

fn base() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/base.yaml"))
        .expect("read tests/base.yaml")
}

fn problems(tmp: &TempCatalog) -> String {
    errcat_codegen::load_catalog(&tmp.dir())
        .map(|_| String::new())
        .unwrap_or_else(|ds| ds.to_string())
}

const HELP: &str =
    "  help: keep the vendor's file itself in catalog/, not a link or a special file\n";

#[test]
fn a_symbolic_link_is_refused_without_showing_its_target() {
    let tmp = TempCatalog::new("link");
    fs::write(tmp.dir().join("acme.yaml"), base()).unwrap();
    // A credentials file outside the catalog, which a diagnostic would quote.
    let secret = tmp.dir().parent().unwrap().join("credentials");
    fs::write(&secret, "aws_secret_access_key: SECRET-TOKEN-1234\n").unwrap();
    symlink(&secret, tmp.dir().join("leak.yaml")).unwrap();
    // A large file outside, which would be read before its size was checked.
    let large = tmp.dir().parent().unwrap().join("large");
    fs::File::create(&large)
        .unwrap()
        .set_len(400 << 20)
        .unwrap();
    symlink(&large, tmp.dir().join("large.yaml")).unwrap();
    symlink("/dev/zero", tmp.dir().join("zero.yaml")).unwrap();
    let out = problems(&tmp);
    assert_eq!(
        out,
        format!(
            "catalog/large.yaml:1:1: the file is a symbolic link, not a regular file, so it is not read\n{HELP}\
             catalog/leak.yaml:1:1: the file is a symbolic link, not a regular file, so it is not read\n{HELP}\
             catalog/zero.yaml:1:1: the file is a symbolic link, not a regular file, so it is not read\n{HELP}"
        )
    );
    assert!(!out.contains("SECRET"));
}

#[test]
fn a_fifo_a_device_and_a_folder_are_refused_without_being_opened() {
    let tmp = TempCatalog::new("special");
    fs::write(tmp.dir().join("acme.yaml"), base()).unwrap();
    let fifo = std::ffi::CString::new(
        tmp.dir()
            .join("pipe.yaml")
            .into_os_string()
            .into_encoded_bytes(),
    )
    .unwrap();
    // SAFETY: `fifo` is a NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0, "mkfifo");
    fs::create_dir(tmp.dir().join("folder.yaml")).unwrap();
    // Opening a FIFO with no writer blocks: a hang here is the failure.
    let out = problems(&tmp);
    assert_eq!(
        out,
        format!(
            "catalog/folder.yaml:1:1: the file is a folder, not a regular file, so it is not read\n{HELP}\
             catalog/pipe.yaml:1:1: the file is a FIFO (named pipe), not a regular file, so it is not read\n{HELP}"
        )
    );
}

#[test]
fn a_large_regular_file_is_refused_by_its_size() {
    let tmp = TempCatalog::new("large");
    fs::File::create(tmp.dir().join("acme.yaml"))
        .unwrap()
        .set_len(400 << 20)
        .unwrap();
    assert_eq!(
        problems(&tmp),
        "catalog/acme.yaml:1:1: the file is larger than 16 MiB, the most a catalog file may be\n  \
         help: a vendor's file holds its error codes only; look for pasted data or a generated dump\n"
    );
}

#[test]
fn files_that_look_like_catalog_files_but_are_not_read_are_named() {
    let tmp = TempCatalog::new("stray");
    for name in [
        "acme.yaml",
        "acme.yaml ",
        "acme.yaml~",
        ".acme.yaml.swp",
        "notes.txt",
        "README.md",
    ] {
        fs::write(tmp.dir().join(name), base()).unwrap();
    }
    let warnings: Vec<String> = errcat_codegen::load::stray_files(&tmp.dir())
        .iter()
        .map(|w| w.to_string())
        .collect();
    assert_eq!(
        warnings,
        [
            "catalog/.acme.yaml.swp:1:1: `.acme.yaml.swp` looks like a catalog file but is not read: only names ending in `.yaml` are\n  \
             help: if it is a vendor's file, rename it to `acme.yaml`; if it is a backup, move it out of catalog/",
            "catalog/acme.yaml :1:1: `acme.yaml ` looks like a catalog file but is not read: only names ending in `.yaml` are\n  \
             help: if it is a vendor's file, rename it to `acme.yaml`; if it is a backup, move it out of catalog/",
            "catalog/acme.yaml~:1:1: `acme.yaml~` looks like a catalog file but is not read: only names ending in `.yaml` are\n  \
             help: if it is a vendor's file, rename it to `acme.yaml`; if it is a backup, move it out of catalog/",
        ]
    );
    assert!(errcat_codegen::load_catalog(&tmp.dir()).is_ok());
}
