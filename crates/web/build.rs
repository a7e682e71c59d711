fn main() {
    memory_serve::load_directory("assets");
}
