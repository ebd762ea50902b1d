//! A tiny matcher for the patterns `decimal_pattern` writes, for the tests (no regex crate).
/// A tiny matcher for the patterns `decimal_pattern` writes (anchored alternations of
/// literal characters, `[0-9]`/`[1-9]` classes with `{m,n}` counts, optional groups), so that
/// the test needs no regex crate.
pub(super) fn matches(pattern: &str, text: &str) -> bool {
    let body = pattern.strip_prefix('^').and_then(|p| p.strip_suffix('$')).expect("anchored");
    let tokens = parse(&mut body.chars().collect::<Vec<_>>().as_slice());
    ends(&tokens, text).contains(&text.chars().count())
}

#[derive(Debug)]
enum Token {
    Class(char, char, usize, usize),
    Literal(char),
    Group(Vec<Vec<Token>>, bool),
}

fn parse(input: &mut &[char]) -> Vec<Token> {
    let mut alternatives = vec![Vec::new()];
    while let Some((&c, rest)) = input.split_first() {
        *input = rest;
        let token = match c {
            ')' => break,
            '|' => {
                alternatives.push(Vec::new());
                continue;
            }
            '(' => {
                *input = &input[2..]; // "?:"
                let inner = parse(input);
                let Token::Group(alternatives, _) = inner.into_iter().next().unwrap() else { unreachable!() };
                Token::Group(alternatives, false)
            }
            '[' => {
                let (low, high) = (input[0], input[2]);
                *input = &input[4..];
                Token::Class(low, high, 1, 1)
            }
            '\\' => {
                let literal = input[0];
                *input = &input[1..];
                Token::Literal(literal)
            }
            other => Token::Literal(other),
        };
        alternatives.last_mut().unwrap().push(token);
        match input.first() {
            Some('?') => {
                *input = &input[1..];
                if let Some(Token::Group(_, optional)) = alternatives.last_mut().unwrap().last_mut() {
                    *optional = true;
                }
            }
            Some('{') => {
                let end = input.iter().position(|c| *c == '}').unwrap();
                let counts: String = input[1..end].iter().collect();
                *input = &input[end + 1..];
                let (min, max) = counts.split_once(',').unwrap();
                if let Some(Token::Class(_, _, low, high)) = alternatives.last_mut().unwrap().last_mut() {
                    *low = min.parse().unwrap();
                    *high = max.parse().unwrap();
                }
            }
            _ => {}
        }
    }
    vec![Token::Group(alternatives, false)]
}

/// The positions where `tokens` can end when started at each of `starts`.
fn ends(tokens: &[Token], text: &str) -> Vec<usize> {
    let chars: Vec<char> = text.chars().collect();
    let mut positions = vec![0];
    for token in tokens {
        positions = step(token, &chars, &positions);
    }
    positions
}

fn step(token: &Token, chars: &[char], starts: &[usize]) -> Vec<usize> {
    let mut out = Vec::new();
    for &start in starts {
        match token {
            Token::Literal(c) => {
                if chars.get(start) == Some(c) {
                    out.push(start + 1);
                }
            }
            Token::Class(low, high, min, max) => {
                let mut position = start;
                for count in 0..=*max {
                    if count >= *min {
                        out.push(position);
                    }
                    match chars.get(position) {
                        Some(c) if c >= low && c <= high => position += 1,
                        _ => break,
                    }
                }
            }
            Token::Group(alternatives, optional) => {
                if *optional {
                    out.push(start);
                }
                for alternative in alternatives {
                    let mut positions = vec![start];
                    for token in alternative {
                        positions = step(token, chars, &positions);
                    }
                    out.extend(positions);
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}
