//! EPUB e-books: the chapters the spine lists, each read by the HTML reader, with the
//! book's title and date from its package file.
//!
//! Lines run on through the book: a chapter's first line follows the previous chapter's
//! last, so a line names one place in the book.

use super::archive::{Archive, Xml, first_text, xml_events};
use super::{Body, Date, Document, Limits, Reason, html};

const CONTAINER: &str = "META-INF/container.xml";

/// Reads an EPUB book as one document.
pub(super) fn read(bytes: &[u8], path: &str, limits: &Limits) -> Result<Document, Reason> {
    let mut archive = Archive::open(bytes, "EPUB", limits)?;
    let not_epub = |what: &str| format!("is not a valid EPUB file ({what}); skipped it");
    let container = archive
        .text(CONTAINER)?
        .ok_or_else(|| not_epub("it has no META-INF/container.xml"))?;
    let package_path =
        rootfile(&container)?.ok_or_else(|| not_epub("its container names no package"))?;
    let package = archive
        .text(&package_path)?
        .ok_or_else(|| not_epub(&format!("it has no {package_path}")))?;
    let folder = package_path
        .rsplit_once('/')
        .map_or("", |(folder, _)| folder);
    let title = first_text(&package, &package_path, "title")?;
    let date = first_text(&package, &package_path, "date")?.and_then(|d| Date::parse(&d));
    let mut blocks = Vec::new();
    let mut lines_before = 0;
    for href in spine(&package, &package_path)? {
        let chapter_path = join(folder, &href);
        let Some(chapter) = archive.text(&chapter_path)? else {
            continue;
        };
        let page = html::parse(&chapter)?;
        blocks.extend(page.blocks.into_iter().map(|mut block| {
            block.line += lines_before;
            if block.section.is_none() {
                block.section.clone_from(&page.title);
            }
            block
        }));
        lines_before += chapter.lines().count();
    }
    Ok(Document {
        path: path.to_string(),
        title,
        date,
        body: Body::Blocks(blocks),
        ..Document::default()
    })
}

/// The package file the container names.
fn rootfile(container: &str) -> Result<Option<String>, Reason> {
    let mut found = None;
    xml_events(container, CONTAINER, |event| {
        if found.is_none() && matches!(&event, Xml::Start { name, .. } if name == "rootfile") {
            found = event.attribute("full-path").map(str::to_string);
        }
    })?;
    Ok(found)
}

/// The hrefs of the chapters, in reading order.
fn spine(package: &str, part: &str) -> Result<Vec<String>, Reason> {
    let mut items: Vec<(String, String)> = Vec::new();
    let mut order: Vec<String> = Vec::new();
    xml_events(package, part, |event| match &event {
        Xml::Start { name, .. } if name == "item" => {
            if let (Some(id), Some(href)) = (event.attribute("id"), event.attribute("href")) {
                items.push((id.to_string(), href.to_string()));
            }
        }
        Xml::Start { name, .. } if name == "itemref" => {
            order.extend(event.attribute("idref").map(str::to_string));
        }
        _ => {}
    })?;
    Ok(order
        .iter()
        .filter_map(|id| items.iter().find(|(item, _)| item == id))
        .map(|(_, href)| href.clone())
        .collect())
}

/// A path inside the zip from the package's folder and a relative href.
fn join(folder: &str, href: &str) -> String {
    let href = href.split('#').next().unwrap_or(href).replace("%20", " ");
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in href.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            part => parts.push(part),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_paths_are_joined_to_the_package_folder() {
        assert_eq!(join("EPUB", "text/ch001.xhtml"), "EPUB/text/ch001.xhtml");
        assert_eq!(join("OEBPS/a", "../b.xhtml#x"), "OEBPS/b.xhtml");
        assert_eq!(join("", "my%20book.html"), "my book.html");
    }

    #[test]
    fn the_spine_orders_the_manifest() {
        let package = "<package><manifest>\
            <item id=\"c2\" href=\"two.xhtml\"/><item id=\"c1\" href=\"one.xhtml\"/>\
            </manifest><spine><itemref idref=\"c1\"/><itemref idref=\"c2\"/></spine></package>";
        assert_eq!(spine(package, "p.opf").unwrap(), ["one.xhtml", "two.xhtml"]);
    }
}
