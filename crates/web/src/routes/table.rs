//! A router that keeps the path of every route it is given, so that the
//! route × role access test can walk every route the app serves: a route
//! added without an access entry fails it.

use axum::Router;
use axum::routing::MethodRouter;

pub struct Table<S> {
    router: Router<S>,
    paths: Vec<&'static str>,
}

impl<S: Clone + Send + Sync + 'static> Table<S> {
    pub fn new() -> Self {
        Self { router: Router::new(), paths: Vec::new() }
    }

    pub fn route(mut self, path: &'static str, methods: MethodRouter<S>) -> Self {
        self.router = self.router.route(path, methods);
        self.paths.push(path);
        self
    }

    pub fn merge(mut self, other: Table<S>) -> Self {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }

    /// Change the router (add layers) without touching its routes.
    pub fn wrap(mut self, f: impl FnOnce(Router<S>) -> Router<S>) -> Self {
        self.router = f(self.router);
        self
    }

    pub fn into_parts(self) -> (Router<S>, Vec<&'static str>) {
        (self.router, self.paths)
    }
}
