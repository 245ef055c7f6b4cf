"""What people can do, as functions of (store, actor, ...). No Textual below this line."""
