# kaoping — English interface text: people

people-title = People
people-empty = No people found.
people-search-hint = Name, post or pinyin
people-total = { $count } people
person-fields = Person
person-outside = Outside the tree (e.g. congress deputies, public representatives)
person-managed-by = Managed by
person-managed-by-hint = For people outside the tree: the unit that manages the record. People in the tree are managed by their own unit.
person-phone = Mobile phone
person-account = Login account
account-create = Create account
account-created = The account was created. Give the initial password to the person in person or through a safe channel; it must be changed at first login.
username-hint = 3–64 letters, digits, dots, underscores or hyphens.
