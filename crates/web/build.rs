fn main() {
    // The Fluent catalogs are read by a macro at compile time: rebuild when they change.
    println!("cargo:rerun-if-changed=locales");
    memory_serve::load_directory("assets");
}
