//! A router that keeps the path of every route it is given, so that the
//! route × role access test can walk every route the app serves (a route
//! added without an access entry fails it), and that builds the OpenAPI
//! document from the JSON API's routes, each declared once, in its
//! handler's `#[utoipa::path]`.

use axum::Router;
use axum::routing::MethodRouter;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

pub struct Table<S> {
    router: OpenApiRouter<S>,
    /// Routes whose body may be a file: they get the upload size limits.
    uploads: Router<S>,
    paths: Vec<String>,
}

impl<S: Clone + Send + Sync + 'static> Table<S> {
    pub fn new() -> Self {
        Self { router: OpenApiRouter::default(), uploads: Router::new(), paths: Vec::new() }
    }

    /// A page (or anything not in the API document).
    pub fn route(mut self, path: &str, methods: MethodRouter<S>) -> Self {
        self.router = self.router.route(path, methods);
        self.paths.push(path.to_string());
        self
    }

    /// JSON API operations made by `utoipa_axum::routes!` from handlers
    /// that share a path: their path and methods come from the handlers'
    /// `#[utoipa::path]`, and they join the document.
    pub fn api(mut self, operations: UtoipaMethodRouter<S>) -> Self {
        self.paths.extend(operations.1.paths.keys().cloned());
        self.router = self.router.routes(operations);
        self
    }

    /// A route that takes an uploaded file, under the upload limits.
    pub fn upload(mut self, path: &str, methods: MethodRouter<S>) -> Self {
        self.uploads = self.uploads.route(path, methods);
        self.paths.push(path.to_string());
        self
    }

    pub fn merge(mut self, other: Table<S>) -> Self {
        self.router = self.router.merge(other.router);
        self.uploads = self.uploads.merge(other.uploads);
        self.paths.extend(other.paths);
        self
    }

    /// The router, with `upload_layers` around the upload routes; the API
    /// operations' document; the path of every route.
    pub fn into_parts(self, upload_layers: impl FnOnce(Router<S>) -> Router<S>) -> (Router<S>, OpenApi, Vec<String>) {
        let (router, doc) = self.router.split_for_parts();
        (router.merge(upload_layers(self.uploads)), doc, self.paths)
    }
}
