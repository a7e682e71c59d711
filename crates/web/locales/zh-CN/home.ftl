# kaoping — 简体中文界面文案（默认语言）：home

home-title = 首页
home-greeting = 您好，{ $name }。
home-scope = 您负责管理：
home-shortcuts = 常用操作
home-recent = 最近操作记录
stat-org-units = 组织机构
stat-people = 人员
stat-accounts = 账号
stat-locked = 锁定中的账号
home-role-subject = 述职评议周期开启后，您将在这里撰写和提交书面述职报告，查看问题反馈单并报送整改进展。目前没有需要您办理的事项。
home-role-evaluator = 评议开始后，您将在这里阅读述职报告、做批注并进行评议。目前没有需要您评议的对象。
home-role-community-admin = 您负责的社区可在这里发布服务需求、确认党员服务记录。目前没有待办事项。
home-role-party-member = 您可以在这里到社区报到、认领服务岗位、记录服务时长。目前没有待办事项。
home-role-observer = 现场观摩开始后，您将在这里为观摩点评分。目前没有进行中的观摩活动。
task-report = 书面述职报告：{ $cycle }
task-read = 阅读述职报告、参加评议：{ $cycle }
