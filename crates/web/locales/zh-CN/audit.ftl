# kaoping — 简体中文界面文案（默认语言）：audit

pager-older = 更早的记录
audit-title = 审计日志
audit-time = 时间
audit-actor = 操作人
audit-action = 操作
audit-object = 对象
audit-result = 结果
audit-client = 来源地址
audit-detail = 详情
audit-from = 起始日期
audit-to = 截止日期
audit-any-result = 全部结果
audit-verify = 校验哈希链
audit-verify-ok = 审计日志完整：{ $count } 条记录的 SM3 哈希链校验通过。
audit-verify-broken = 审计日志已被篡改：第 { $seq } 条记录校验失败（{ $reason }）。
