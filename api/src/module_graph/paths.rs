//! Reading module paths out of Rust source: every path that starts with `crate`, `super` or
//! `self`, resolved from the crate root, without a parser crate (comments, strings and char
//! literals are skipped; `use` groups are expanded).

#[cfg(test)]
mod tests;

/// One token of Rust source, as far as paths are concerned.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Other,
}

/// Splits `source` into tokens, skipping whitespace, comments, strings and char literals.
fn tokens(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            // Block comments nest in Rust.
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            i = skip_string(&chars, i + 1);
            out.push(Token::Other);
        } else if c == '\'' {
            // A char literal ('a', '\n', '"') or a lifetime ('a, 'static).
            if at(i + 1) == '\\' {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push(Token::Other);
            } else if at(i + 2) == '\'' {
                i += 3;
                out.push(Token::Other);
            } else {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let prefix = matches!(word.as_str(), "r" | "br" | "cr" | "b" | "c");
            if prefix && at(i) == '"' {
                if word.contains('r') {
                    i = skip_raw_string(&chars, i, 0);
                } else {
                    i = skip_string(&chars, i + 1);
                }
                out.push(Token::Other);
            } else if prefix && word.contains('r') && at(i) == '#' {
                let hashes = chars[i..].iter().take_while(|&&h| h == '#').count();
                if at(i + hashes) == '"' {
                    i = skip_raw_string(&chars, i + hashes, hashes);
                    out.push(Token::Other);
                } else {
                    // A raw identifier (`r#type`): read on as one word.
                    let start = i + 1;
                    i = start;
                    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                    out.push(Token::Ident(chars[start..i].iter().collect()));
                }
            } else if word == "b" && at(i) == '\'' {
                i += 1;
                if at(i) == '\\' {
                    i += 1;
                }
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push(Token::Other);
            } else {
                out.push(Token::Ident(word));
            }
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Other);
        } else {
            out.push(match c {
                ':' if at(i + 1) == ':' => {
                    i += 1;
                    Token::PathSep
                }
                '{' => Token::Open,
                '}' => Token::Close,
                ',' => Token::Comma,
                _ => Token::Other,
            });
            i += 1;
        }
    }
    out
}

/// The index after a string whose opening quote is just before `i`.
fn skip_string(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// The index after a raw string whose opening quote is at `i`, closed by `"` and `hashes` `#`.
fn skip_raw_string(chars: &[char], mut i: usize, hashes: usize) -> usize {
    i += 1;
    while i < chars.len() {
        if chars[i] == '"' && chars[i + 1..].iter().take(hashes).filter(|&&h| h == '#').count() == hashes {
            return i + 1 + hashes;
        }
        i += 1;
    }
    i
}

/// Every path that starts with `crate`, `super` or `self`, resolved against `module` (the path of
/// the file's module, `["routes", "projects", "handlers"]`) into a path from the crate root.
pub(super) fn crate_paths(source: &str, module: &[&str]) -> Vec<Vec<String>> {
    let tokens = tokens(source);
    let mut paths = Vec::new();
    // Inline modules (`mod tests { … }`) change what `super` and `self` mean.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Ident(word) if word == "mod" => {
                if let (Some(Token::Ident(name)), Some(Token::Open)) = (tokens.get(i + 1), tokens.get(i + 2)) {
                    depth += 1;
                    inline.push((name.clone(), depth));
                    i += 3;
                    continue;
                }
            }
            Token::Ident(word)
                if matches!(word.as_str(), "crate" | "super" | "self")
                    && tokens.get(i + 1) == Some(&Token::PathSep)
                    && (i == 0 || tokens[i - 1] != Token::PathSep) =>
            {
                let mut here: Vec<String> = module.iter().map(|s| s.to_string()).collect();
                here.extend(inline.iter().map(|(name, _)| name.clone()));
                let (found, next) = parse_path(&tokens, i, Vec::new());
                paths.extend(found.into_iter().map(|path| resolve(&path, &here)));
                i = next;
                continue;
            }
            Token::Open => depth += 1,
            Token::Close => {
                if inline.last().is_some_and(|(_, at)| *at == depth) {
                    inline.pop();
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    paths
}

/// Reads one path starting at `i` (`a::b::{c, d::{e as f}}`), returns every full path it names
/// and the index after it.
fn parse_path(tokens: &[Token], mut i: usize, mut segments: Vec<String>) -> (Vec<Vec<String>>, usize) {
    loop {
        match tokens.get(i) {
            Some(Token::Ident(word)) => {
                segments.push(word.clone());
                i += 1;
                if tokens.get(i) == Some(&Token::PathSep) {
                    i += 1;
                } else {
                    return (vec![segments], i);
                }
            }
            Some(Token::Open) => {
                let mut found = Vec::new();
                i += 1;
                loop {
                    match tokens.get(i) {
                        None => return (found, i),
                        Some(Token::Close) => return (found, i + 1),
                        Some(Token::Comma) => i += 1,
                        Some(Token::Ident(word)) if word == "as" => i += 2,
                        Some(Token::Ident(_) | Token::Open) => {
                            let (inner, next) = parse_path(tokens, i, segments.clone());
                            found.extend(inner);
                            i = next;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            // A glob (`*`), a turbofish (`::<T>`) or the end.
            _ => return (vec![segments], i),
        }
    }
}

/// `path` from the crate root, `here` being the module the path was written in.
fn resolve(path: &[String], here: &[String]) -> Vec<String> {
    let (mut absolute, rest) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        _ => (here.to_vec(), path),
    };
    for segment in rest {
        match segment.as_str() {
            "super" => {
                absolute.pop();
            }
            "self" => {}
            _ => absolute.push(segment.clone()),
        }
    }
    absolute
}

/// The module path of a file under `src/`: `routes/projects/mod.rs` is `["routes", "projects"]`.
pub(super) fn module_of(relative: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = relative.trim_end_matches(".rs").split('/').collect();
    if matches!(parts.last(), Some(&"mod")) || parts == ["lib"] {
        parts.pop();
    }
    parts
}
