//! A router that keeps the path of every route it is given, so that the
//! route × role access test can walk every route the app serves: a route
//! added without an access entry fails it.

use axum::Router;
use axum::routing::MethodRouter;

pub struct Table<S> {
    router: Router<S>,
    /// Routes whose body may be a file: they get the upload size limits.
    uploads: Router<S>,
    paths: Vec<&'static str>,
}

impl<S: Clone + Send + Sync + 'static> Table<S> {
    pub fn new() -> Self {
        Self { router: Router::new(), uploads: Router::new(), paths: Vec::new() }
    }

    pub fn route(mut self, path: &'static str, methods: MethodRouter<S>) -> Self {
        self.router = self.router.route(path, methods);
        self.paths.push(path);
        self
    }

    /// A route that takes an uploaded file, under the upload limits.
    pub fn upload(mut self, path: &'static str, methods: MethodRouter<S>) -> Self {
        self.uploads = self.uploads.route(path, methods);
        self.paths.push(path);
        self
    }

    pub fn merge(mut self, other: Table<S>) -> Self {
        self.router = self.router.merge(other.router);
        self.uploads = self.uploads.merge(other.uploads);
        self.paths.extend(other.paths);
        self
    }

    /// The router, with `upload_layers` around the upload routes, and the
    /// path of every route.
    pub fn into_parts(self, upload_layers: impl FnOnce(Router<S>) -> Router<S>) -> (Router<S>, Vec<&'static str>) {
        (self.router.merge(upload_layers(self.uploads)), self.paths)
    }
}
