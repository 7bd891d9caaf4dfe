//! Reading the rows of a SQLite file page by page, without its schema.
//!
//! When a journal is damaged, SQLite itself stops at the first page it
//! cannot trust: a scribbled page of the schema hides every table named on
//! it, a lost branch page hides every row below it. Yet the rows are still in
//! the file, on their leaf pages. This reads every page as the file format
//! lays it out (<https://www.sqlite.org/fileformat2.html>), keeps the leaf
//! pages of tables that hold together, and says which tree each belongs to
//! where that can still be told. Deciding which table an orphaned page's rows
//! belong to is the caller's business (it knows its own schema).
//!
//! Only reading: nothing here writes, and every length and offset read from
//! the file is checked before it is used, so a hostile file cannot make it
//! read out of bounds or loop.

use std::collections::{HashMap, HashSet};

use rusqlite::types::Value;

/// The page size assumed when the file's header cannot be read: SQLite's
/// default, and what sayso's journals use.
const DEFAULT_PAGE_SIZE: usize = 4096;
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

const INTERIOR_TABLE: u8 = 0x05;
const LEAF_TABLE: u8 = 0x0D;

/// A row as stored: its rowid and its fields in column order.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRow {
    pub rowid: i64,
    pub fields: Vec<Value>,
}

/// The rows of one leaf page of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct LeafPage {
    pub page: u32,
    /// The top of the tree the page hangs from: a table's root when its
    /// branch pages are whole, the page itself when its parent is lost, and
    /// `None` when its parents go round in a circle.
    pub root: Option<u32>,
    pub rows: Vec<StoredRow>,
}

/// What a file's pages still hold.
#[derive(Debug, Default)]
pub struct PagesRead {
    pub leaves: Vec<LeafPage>,
    /// Table name by root page, from every schema row that could be read.
    pub tables: HashMap<u32, String>,
    /// Pages that are neither a sound b-tree page, nor on the free list, nor
    /// part of a row's overflow: where the damage is.
    pub unreadable_pages: usize,
    /// Pages the header counts that are not in the file: it was cut short.
    pub missing_pages: usize,
    /// The highest rowid each tree's branch pages name, by root: rows up
    /// to it existed, whether or not their pages can still be read.
    pub highest_rowid: HashMap<u32, i64>,
}

impl PagesRead {
    /// The table a leaf page belongs to, when the schema still says.
    pub fn table_of(&self, leaf: &LeafPage) -> Option<&str> {
        leaf.root
            .and_then(|root| self.tables.get(&root))
            .map(String::as_str)
    }
}

/// Reads every leaf page of every table in the file's bytes. The bytes
/// may be truncated or scribbled anywhere, the header included.
pub fn read_pages(bytes: &[u8]) -> PagesRead {
    let header = Header::read(bytes);
    // Pages past the size the header gives are not the database's (a
    // truncated file has fewer than it says).
    let pages_in_file = bytes.len() / header.page_size;
    let page_count = pages_in_file.min(header.page_count.unwrap_or(usize::MAX));
    let missing_pages = header.page_count.unwrap_or(0).saturating_sub(pages_in_file);
    // A branch page may name pages that were cut off.
    let pages_said = page_count + missing_pages;
    let page = |number: u32| -> Option<&[u8]> {
        let start = (number as usize).checked_sub(1)? * header.page_size;
        bytes.get(start..start + header.page_size)
    };
    let free = free_pages(&header, page_count, &page);

    let mut parent: HashMap<u32, u32> = HashMap::new();
    let mut branch_keys: Vec<(u32, i64)> = Vec::new();
    let mut leaves = Vec::new();
    let mut overflow_pages = HashSet::new();
    let mut unreadable = 0;
    for number in 1..=page_count as u32 {
        if free.contains(&number) {
            continue;
        }
        let Some(bytes) = page(number) else { break };
        let offset = if number == 1 { 100 } else { 0 };
        match bytes.get(offset) {
            Some(&INTERIOR_TABLE) => match interior_children(bytes, offset, &header, pages_said) {
                Some((children, highest_key)) => {
                    for child in children {
                        parent.insert(child, number);
                    }
                    branch_keys.push((number, highest_key));
                }
                None => unreadable += 1,
            },
            Some(&LEAF_TABLE) => match leaf_rows(bytes, offset, &header, page_count, &page) {
                Some((rows, overflow)) => {
                    overflow_pages.extend(overflow);
                    leaves.push(LeafPage {
                        page: number,
                        root: None,
                        rows,
                    });
                }
                None => unreadable += 1,
            },
            // Index pages: nothing there that is not also in a table.
            Some(0x02 | 0x0A) => {}
            _ => unreadable += 1,
        }
    }
    // Overflow pages hold no page header: they were counted as unreadable.
    unreadable -= overflow_pages
        .iter()
        .filter(|n| !free.contains(n))
        .count()
        .min(unreadable);

    for leaf in &mut leaves {
        leaf.root = root_of(leaf.page, &parent, page_count);
    }
    let mut highest_rowid: HashMap<u32, i64> = HashMap::new();
    for (page, key) in branch_keys {
        if let Some(root) = root_of(page, &parent, page_count) {
            let highest = highest_rowid.entry(root).or_insert(key);
            *highest = (*highest).max(key);
        }
    }
    let mut tables = HashMap::new();
    for leaf in &leaves {
        // The schema's own rows, wherever their page now hangs: a lost
        // branch page of the schema must not hide the tables it names.
        for row in &leaf.rows {
            if let Some((name, root)) = schema_table(&row.fields) {
                tables.insert(root, name);
            }
        }
    }
    PagesRead {
        leaves,
        tables,
        unreadable_pages: unreadable,
        missing_pages,
        highest_rowid,
    }
}

struct Header {
    page_size: usize,
    /// The bytes of each page that hold content (the rest is reserved).
    usable: usize,
    first_free_trunk: u32,
    page_count: Option<usize>,
}

impl Header {
    fn read(bytes: &[u8]) -> Header {
        let sound = bytes.get(..16) == Some(MAGIC.as_slice());
        let page_size = match bytes.get(16..18).map(|b| u16::from_be_bytes([b[0], b[1]])) {
            Some(1) if sound => 65536,
            Some(n) if sound && n >= 512 && n.is_power_of_two() => n as usize,
            _ => DEFAULT_PAGE_SIZE,
        };
        let reserved = match bytes.get(20) {
            Some(&n) if sound && (n as usize) < page_size - 480 => n as usize,
            _ => 0,
        };
        // The size in the header counts only when the header says it is
        // current (its change counter matches "version valid for").
        let page_count = match (be_u32(bytes, 28), be_u32(bytes, 24), be_u32(bytes, 92)) {
            (Some(n), Some(changed), Some(valid)) if sound && n > 0 && changed == valid => {
                Some(n as usize)
            }
            _ => None,
        };
        Header {
            page_size,
            usable: page_size - reserved,
            first_free_trunk: if sound {
                be_u32(bytes, 32).unwrap_or(0)
            } else {
                0
            },
            page_count,
        }
    }
}

/// The pages on the free list: what they hold was deleted, and must not
/// come back.
fn free_pages<'a>(
    header: &Header,
    page_count: usize,
    page: &impl Fn(u32) -> Option<&'a [u8]>,
) -> HashSet<u32> {
    let mut free = HashSet::new();
    let mut trunk = header.first_free_trunk;
    let in_file = |n: u32| n >= 1 && n as usize <= page_count;
    while in_file(trunk) && free.insert(trunk) {
        let Some(bytes) = page(trunk) else { break };
        let (Some(next), Some(count)) = (be_u32(bytes, 0), be_u32(bytes, 4)) else {
            break;
        };
        let count = (count as usize).min((header.usable - 8) / 4);
        for i in 0..count {
            match be_u32(bytes, 8 + 4 * i) {
                Some(leaf) if in_file(leaf) => {
                    free.insert(leaf);
                }
                _ => {}
            }
        }
        trunk = next;
    }
    free
}

/// The cell pointers of a b-tree page, each checked to lie in the page.
fn cell_offsets(
    bytes: &[u8],
    offset: usize,
    header_len: usize,
    usable: usize,
) -> Option<Vec<usize>> {
    let count = be_u16(bytes, offset + 3)? as usize;
    let array = offset + header_len;
    let content_start = array + 2 * count;
    if content_start > usable {
        return None;
    }
    (0..count)
        .map(|i| {
            let cell = be_u16(bytes, array + 2 * i)? as usize;
            (cell >= content_start && cell < usable).then_some(cell)
        })
        .collect()
}

/// The children of a table's branch page, and the highest key it names.
fn interior_children(
    bytes: &[u8],
    offset: usize,
    header: &Header,
    pages_said: usize,
) -> Option<(Vec<u32>, i64)> {
    let in_file = |n: u32| n >= 1 && n as usize <= pages_said;
    let mut children = Vec::new();
    let mut last_key = i64::MIN;
    for cell in cell_offsets(bytes, offset, 12, header.usable)? {
        let child = be_u32(bytes, cell)?;
        let (key, _) = varint(bytes.get(cell + 4..header.usable)?)?;
        if !in_file(child) || key < last_key {
            return None;
        }
        last_key = key;
        children.push(child);
    }
    let right = be_u32(bytes, offset + 8)?;
    if !in_file(right) {
        return None;
    }
    children.push(right);
    Some((children, last_key))
}

/// The rows of a table's leaf page, and the overflow pages they used; `None`
/// when anything on the page does not hold together.
fn leaf_rows<'a>(
    bytes: &[u8],
    offset: usize,
    header: &Header,
    page_count: usize,
    page: &impl Fn(u32) -> Option<&'a [u8]>,
) -> Option<(Vec<StoredRow>, Vec<u32>)> {
    let usable = header.usable;
    let mut rows = Vec::new();
    let mut overflow = Vec::new();
    for cell in cell_offsets(bytes, offset, 8, usable)? {
        let cell_bytes = bytes.get(cell..usable)?;
        let (payload_len, a) = varint(cell_bytes)?;
        let (rowid, b) = varint(cell_bytes.get(a..)?)?;
        if let Some(last) = rows.last().map(|r: &StoredRow| r.rowid) {
            // Rowids rise along a leaf: anything else is not a real page.
            if rowid <= last {
                return None;
            }
        }
        let payload_len = usize::try_from(payload_len).ok()?;
        let local = local_payload(payload_len, usable);
        let start = a + b;
        let mut payload = cell_bytes.get(start..start + local)?.to_vec();
        if local < payload_len {
            let mut next = be_u32(cell_bytes, start + local)?;
            while payload.len() < payload_len {
                if next == 0 || next as usize > page_count || overflow.contains(&next) {
                    return None;
                }
                overflow.push(next);
                let spill = page(next)?;
                let take = (payload_len - payload.len()).min(usable - 4);
                payload.extend_from_slice(spill.get(4..4 + take)?);
                next = be_u32(spill, 0)?;
            }
        }
        rows.push(StoredRow {
            rowid,
            fields: record(&payload)?,
        });
    }
    Some((rows, overflow))
}

/// How much of a payload sits on the leaf page itself (the file format's
/// rule); the rest spills onto overflow pages.
fn local_payload(payload_len: usize, usable: usize) -> usize {
    let max_local = usable - 35;
    if payload_len <= max_local {
        return payload_len;
    }
    let min_local = (usable - 12) * 32 / 255 - 23;
    let k = min_local + (payload_len - min_local) % (usable - 4);
    if k <= max_local {
        k
    } else {
        min_local
    }
}

/// The fields of a record, or `None` when it does not decode.
fn record(payload: &[u8]) -> Option<Vec<Value>> {
    let (header_len, mut at) = varint(payload)?;
    let header_len = usize::try_from(header_len).ok()?;
    if header_len > payload.len() || header_len < at {
        return None;
    }
    let mut body = header_len;
    let mut fields = Vec::new();
    while at < header_len {
        let (serial, n) = varint(payload.get(at..header_len)?)?;
        at += n;
        let (value, len) = match serial {
            0 => (Value::Null, 0),
            1..=6 => {
                let len = [1, 2, 3, 4, 6, 8][serial as usize - 1];
                let bytes = payload.get(body..body + len)?;
                let mut value = if bytes[0] & 0x80 != 0 { -1i64 } else { 0 };
                for &b in bytes {
                    value = (value << 8) | b as i64;
                }
                (Value::Integer(value), len)
            }
            7 => {
                let bytes: [u8; 8] = payload.get(body..body + 8)?.try_into().ok()?;
                (Value::Real(f64::from_be_bytes(bytes)), 8)
            }
            8 => (Value::Integer(0), 0),
            9 => (Value::Integer(1), 0),
            n if n >= 12 && n % 2 == 0 => {
                let len = usize::try_from((n - 12) / 2).ok()?;
                (Value::Blob(payload.get(body..body + len)?.to_vec()), len)
            }
            n if n >= 13 => {
                let len = usize::try_from((n - 13) / 2).ok()?;
                let text = std::str::from_utf8(payload.get(body..body + len)?).ok()?;
                (Value::Text(text.to_string()), len)
            }
            _ => return None,
        };
        body += len;
        fields.push(value);
    }
    // A record uses its payload exactly.
    (body == payload.len()).then_some(fields)
}

/// A table named by a row of the schema (type, name, tbl_name, rootpage, sql).
fn schema_table(fields: &[Value]) -> Option<(String, u32)> {
    match fields {
        [Value::Text(kind), Value::Text(name), Value::Text(_), Value::Integer(root), Value::Text(sql)]
            if kind == "table" && sql.starts_with("CREATE TABLE") =>
        {
            Some((name.clone(), u32::try_from(*root).ok()?))
        }
        _ => None,
    }
}

/// The root of a page's tree, following parents; `None` when the climb ends
/// on a page that is not a root (its parent lost) or goes round in a circle.
fn root_of(page: u32, parent: &HashMap<u32, u32>, page_count: usize) -> Option<u32> {
    let mut at = page;
    for _ in 0..=page_count {
        match parent.get(&at) {
            Some(&up) => at = up,
            // Page 1 and the schema's named roots are roots; whether this
            // one is, the schema says (the caller asks it).
            None => return Some(at),
        }
    }
    None
}

/// A SQLite varint: its value and how many bytes it took.
fn varint(bytes: &[u8]) -> Option<(i64, usize)> {
    let mut value: u64 = 0;
    for (i, &b) in bytes.iter().enumerate().take(9) {
        if i == 8 {
            return Some(((value << 8 | b as u64) as i64, 9));
        }
        value = value << 7 | (b & 0x7F) as u64;
        if b & 0x80 == 0 {
            return Some((value as i64, i + 1));
        }
    }
    None
}

fn be_u16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A small real file: two tables, one row with a payload long enough
    /// to spill onto overflow pages.
    fn small_file() -> Vec<u8> {
        static FILE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        FILE.get_or_init(make_small_file).clone()
    }

    fn make_small_file() -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("small.sqlite");
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute_batch(
            "CREATE TABLE a (x TEXT, y INTEGER);
             CREATE TABLE b (z BLOB);
             INSERT INTO b VALUES (zeroblob(10000));
             WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 399)
             INSERT INTO a SELECT 'some words', i FROM n;",
        )
        .unwrap();
        drop(db);
        std::fs::read(&path).unwrap()
    }

    #[test]
    fn a_whole_file_reads_as_sqlite_reads_it() {
        let read = read_pages(&small_file());
        let rows = |table: &str| -> Vec<StoredRow> {
            read.leaves
                .iter()
                .filter(|leaf| read.table_of(leaf) == Some(table))
                .flat_map(|leaf| leaf.rows.clone())
                .collect()
        };
        let a = rows("a");
        assert_eq!(a.len(), 400);
        assert!(a
            .iter()
            .enumerate()
            .all(|(i, row)| row.rowid == i as i64 + 1
                && row.fields == [Value::Text("some words".into()), Value::Integer(i as i64)]));
        assert_eq!(
            rows("b"),
            [StoredRow {
                rowid: 1,
                fields: vec![Value::Blob(vec![0; 10000])]
            }]
        );
        assert_eq!(read.unreadable_pages, 0);
        assert_eq!(read.missing_pages, 0);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Whatever is scribbled where, reading finishes and reads no more
        /// rows than there were.
        #[test]
        fn scribbles_anywhere_never_panic(
            scribbles in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..40),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = small_file();
            for (at, byte) in scribbles {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            let keep = bytes.len() / 2 + cut.index(bytes.len() / 2);
            bytes.truncate(keep);
            let read = read_pages(&bytes);
            let rows: usize = read.leaves.iter().map(|l| l.rows.len()).sum();
            prop_assert!(rows <= 400 + 1 + 2);
        }
    }
}
