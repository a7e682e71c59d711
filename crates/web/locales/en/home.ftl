# kaoping — English interface text: home

home-title = Home
home-greeting = Hello, { $name }.
home-scope = You administer:
home-shortcuts = Shortcuts
home-recent = Recent activity
stat-org-units = Organization units
stat-people = People
stat-accounts = Accounts
stat-locked = Locked accounts
home-role-subject = When an assessment cycle opens, you will write and submit your written duty report here, read your problem feedback sheet and report rectification progress. Nothing needs your attention now.
home-role-evaluator = When evaluation opens, you will read the duty reports, annotate them and grade each subject here. There is nothing to grade now.
home-role-community-admin = Post your community's service needs and confirm members' service here. Nothing needs your attention now.
home-role-party-member = Register at a community, sign up for service posts and record your service hours here. Nothing needs your attention now.
home-role-observer = When the on-site observation starts, you will grade the sites here. No observation is under way.
task-report = Written duty report: { $cycle }
task-read = Read the duty reports and review: { $cycle }
