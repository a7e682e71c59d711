# kaoping — 简体中文界面文案（默认语言）：people

people-title = 人员
people-empty = 没有找到人员。
people-search-hint = 姓名、职务或拼音
people-total = 共 { $count } 人
person-fields = 人员信息
person-outside = 组织外人员（如党代表、群众代表）
person-managed-by = 管理单位
person-managed-by-hint = 组织外人员由哪个组织管理；在组织内的人员由其所在组织管理。
person-phone = 手机号码
person-account = 登录账号
account-create = 开通账号
account-created = 账号已开通。请将初始密码当面或通过安全渠道告知本人，首次登录时须修改。
username-hint = 3–64 位字母、数字、点、下划线或连字符。
