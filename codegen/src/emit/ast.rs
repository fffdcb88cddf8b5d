//! Builds the bulky, per-code parts of a vendor module directly as syn nodes.
//!
//! Parsing tokens with syn costs several times more than printing them with
//! prettyplease, and a vendor module is mostly per-code rows. So the emitter
//! writes the module's skeleton with `quote!` (lists left empty), parses that
//! once, and pushes each code's variant, table row and match arms into the
//! parsed tree built with the constructors here. The printed result is the
//! same as if everything had been written with `quote!`.

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::{
    Arm, AttrStyle, Attribute, Expr, ExprArray, ExprCall, ExprLit, ExprPath, ExprReference,
    ExprStruct, FieldValue, Fields, Ident, Lit, LitInt, LitStr, Member, Meta, Pat, Path,
    PathSegment, Variant,
};

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A path such as `crate::ErrorKind::Internal`.
pub fn path(segments: &[&str]) -> Path {
    let mut p = Path {
        leading_colon: None,
        segments: Punctuated::new(),
    };
    for s in segments {
        p.segments.push(PathSegment::from(ident(s)));
    }
    p
}

/// A path expression.
pub fn path_expr(segments: &[&str]) -> Expr {
    Expr::Path(ExprPath {
        attrs: vec![],
        qself: None,
        path: path(segments),
    })
}

/// A string literal.
pub fn str_lit(s: &str) -> ExprLit {
    ExprLit {
        attrs: vec![],
        lit: Lit::Str(LitStr::new(s, Span::call_site())),
    }
}

/// A string literal expression.
pub fn str_expr(s: &str) -> Expr {
    Expr::Lit(str_lit(s))
}

/// An unsuffixed integer literal expression.
pub fn int_expr(n: impl std::fmt::Display) -> Expr {
    Expr::Lit(ExprLit {
        attrs: vec![],
        lit: Lit::Int(LitInt::new(&n.to_string(), Span::call_site())),
    })
}

/// `true` or `false`.
pub fn bool_expr(value: bool) -> Expr {
    Expr::Lit(ExprLit {
        attrs: vec![],
        lit: Lit::Bool(syn::LitBool::new(value, Span::call_site())),
    })
}

/// `&[a, b, ...]`.
pub fn slice_ref(elems: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::Reference(ExprReference {
        attrs: vec![],
        and_token: Default::default(),
        mutability: None,
        expr: Box::new(Expr::Array(ExprArray {
            attrs: vec![],
            bracket_token: Default::default(),
            elems: elems.into_iter().collect(),
        })),
    })
}

/// `f(args...)` for a path `f`.
pub fn call(func: &[&str], args: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::Call(ExprCall {
        attrs: vec![],
        func: Box::new(path_expr(func)),
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// `Some(expr)` or `None`.
pub fn option(value: Option<Expr>) -> Expr {
    match value {
        Some(v) => call(&["Some"], [v]),
        None => path_expr(&["None"]),
    }
}

/// A unit variant whose only attribute is `#[marker]`.
pub fn marked_variant(name: &str, marker: &str) -> Variant {
    Variant {
        attrs: vec![Attribute {
            pound_token: Default::default(),
            style: AttrStyle::Outer,
            bracket_token: Default::default(),
            meta: Meta::Path(path(&[marker])),
        }],
        ident: ident(name),
        fields: Fields::Unit,
        discriminant: None,
    }
}

/// A struct literal `path { name: expr, ... }`.
pub fn struct_expr(type_path: &[&str], fields: Vec<(&str, Expr)>) -> Expr {
    Expr::Struct(ExprStruct {
        attrs: vec![],
        qself: None,
        path: path(type_path),
        brace_token: Default::default(),
        fields: fields
            .into_iter()
            .map(|(name, expr)| FieldValue {
                attrs: vec![],
                member: Member::Named(ident(name)),
                colon_token: Some(Default::default()),
                expr,
            })
            .collect(),
        dot2_token: None,
        rest: None,
    })
}

/// A match arm `pat => body,`.
pub fn arm(pat: Pat, body: Expr) -> Arm {
    Arm {
        attrs: vec![],
        pat,
        fat_arrow_token: Default::default(),
        body: Box::new(body),
        comma: Some(Default::default()),
    }
}

/// A string literal pattern.
pub fn str_pat(s: &str) -> Pat {
    Pat::Lit(str_lit(s))
}

/// A path pattern such as `ErrorCode::RateLimited`.
pub fn path_pat(segments: &[&str]) -> Pat {
    Pat::Path(ExprPath {
        attrs: vec![],
        qself: None,
        path: path(segments),
    })
}

/// The array of a `static NAME: [T; N] = [...]` or `static NAME: &[T] = &[...]` item.
pub fn static_array<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut ExprArray> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Static(s) if s.ident == name => array_of(&mut s.expr),
        _ => None,
    })
}

/// The array in `[...]` or `&[...]`.
pub fn array_of(expr: &mut Expr) -> Option<&mut ExprArray> {
    match expr {
        Expr::Array(a) => Some(a),
        Expr::Reference(r) => array_of(&mut r.expr),
        _ => None,
    }
}

/// The `match` that ends the body of `fn name` in the first inherent `impl` of `self_ty`.
pub fn fn_match<'a>(
    items: &'a mut [syn::Item],
    self_ty: &str,
    name: &str,
) -> Option<&'a mut syn::ExprMatch> {
    let block = impl_fn(items, self_ty, name)?;
    block.stmts.iter_mut().rev().find_map(|stmt| match stmt {
        syn::Stmt::Expr(Expr::Match(m), _) => Some(m),
        _ => None,
    })
}

/// The body of `fn name` in the first inherent `impl` of `self_ty`.
pub fn impl_fn<'a>(
    items: &'a mut [syn::Item],
    self_ty: &str,
    name: &str,
) -> Option<&'a mut syn::Block> {
    inherent_impl(items, self_ty)?
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == name => Some(&mut f.block),
            _ => None,
        })
}

/// The array of `const NAME: ... = &[...]` in the first inherent `impl` of `self_ty`.
pub fn impl_const_array<'a>(
    items: &'a mut [syn::Item],
    self_ty: &str,
    name: &str,
) -> Option<&'a mut ExprArray> {
    inherent_impl(items, self_ty)?
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::ImplItem::Const(c) if c.ident == name => array_of(&mut c.expr),
            _ => None,
        })
}

fn inherent_impl<'a>(items: &'a mut [syn::Item], self_ty: &str) -> Option<&'a mut syn::ItemImpl> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Impl(i)
            if i.trait_.is_none()
                && matches!(&*i.self_ty, syn::Type::Path(p) if p.path.is_ident(self_ty)) =>
        {
            Some(i)
        }
        _ => None,
    })
}

/// The enum called `name`.
pub fn item_enum<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut syn::ItemEnum> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Enum(e) if e.ident == name => Some(e),
        _ => None,
    })
}
