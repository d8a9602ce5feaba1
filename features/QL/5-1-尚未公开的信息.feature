# language: zh-CN
@QL
功能: 尚未公开的信息不按"公开时"的要求检查
  第一条的真实全面、第四条的报备备案和归档、第五条的不予公开情形和公开渠道、第十条的
  保密审查,都是对"公开"这一行为的要求:信息拟稿、审核期间尚未公开的,即使事实看起来
  不符合,也还不违反这些条款(公开前整改即可)。同一事实一旦公开,就违反。

  背景:
    假如 机关为"清流县市场监督管理局",行政区划代码"350423",机关类型"政府工作部门"
    并且 行为是"公开政务信息"
    并且 事实如下:
      | 事实 | 值 |
      | 信息标题 | 清流县市场监督管理局某企业行政处罚案件办理情况 |
      | 信息类别 | 机构设置、职责权限及办事指南 |
      | 公开属性 | 主动公开 |
      | 信息生成之日 | 2025-09-26 |
      | 已经审议 | 是 |
      | 是对已公开内容的完善补充 | 是 |
      | 承办股室、中心已归档 | 否 |
      | 不予公开情形 | ["属于商业秘密或者公开后可能导致商业秘密被泄露", "属于个人隐私或者公开后可能导致对个人隐私造成不当侵害", "正在调查、讨论、处理过程中", "与执法有关,公开后可能直接影响案件查处或者危及个人生命安全"] |
      | 有关单位和个人同意公开 | 否 |
      | 法律、法规另有规定须公开 | 否 |
      | 公开渠道 | 报刊 |
      | 已向局政务公开办报备 | 否 |
      | 已报送县政务公开办备案 | 否 |
      | 尚未确定是否属于国家秘密 | 否 |
      | 带有国家秘密级标志 | 是 |
      | 公开内容真实、全面 | 否 |
    并且 检查日期为"2025-10-10"

  @QL-1-5 @QL-4-1 @QL-4-2 @QL-4-3 @QL-5-1-2 @QL-5-1-3 @QL-5-1-4 @QL-5-1-5 @QL-5-5 @QL-10-1 @QL-10-8
  场景: 未经保密审查、带密级标志、含不予公开内容的稿件尚未公开,不违反公开时的要求
    假如 事实如下:
      | 事实 | 值 |
      | 已进行保密审查 | 否 |
    当 检查该行为
    那么 结论为"合规"
    并且 未违反规则"QL-1-5.content-distorted"
    并且 未违反规则"QL-4-1.not-filed-with-bureau"
    并且 未违反规则"QL-4-2.supplement-not-archived"
    并且 未违反规则"QL-4-3.not-filed-with-county"
    并且 未违反规则"QL-5-1-2.commercial-secret-published"
    并且 未违反规则"QL-5-1-3.privacy-published"
    并且 未违反规则"QL-5-1-4.in-process-published"
    并且 未违反规则"QL-5-1-5.law-enforcement-published"
    并且 未违反规则"QL-5-5.not-on-county-portal"
    并且 未违反规则"QL-10-1.published-without-secrecy-review"
    并且 未违反规则"QL-10-8.published-with-secrecy-mark"

  @QL-1-5 @QL-4-1 @QL-4-2 @QL-4-3 @QL-5-1-2 @QL-5-1-3 @QL-5-1-4 @QL-5-1-5 @QL-5-5 @QL-10-1 @QL-10-8
  场景: 同一稿件一经公开,违反公开时的各项要求
    假如 事实如下:
      | 事实 | 值 |
      | 已进行保密审查 | 否 |
      | 公开之日 | 2025-10-10 |
    当 检查该行为
    那么 结论为"不合规"
    并且 违反规则"QL-1-5.content-distorted"
    并且 违反规则"QL-4-1.not-filed-with-bureau"
    并且 违反规则"QL-4-2.supplement-not-archived"
    并且 违反规则"QL-4-3.not-filed-with-county"
    并且 违反规则"QL-5-1-2.commercial-secret-published"
    并且 违反规则"QL-5-1-3.privacy-published"
    并且 违反规则"QL-5-1-4.in-process-published"
    并且 违反规则"QL-5-1-5.law-enforcement-published"
    并且 违反规则"QL-5-5.not-on-county-portal"
    并且 违反规则"QL-10-1.published-without-secrecy-review"
    并且 违反规则"QL-10-8.published-with-secrecy-mark"

  @QL-10-2 @QL-10-9
  场景: 只完成一个审查环节、没有文字记载的稿件尚未公开,不违反第十条
    假如 事实如下:
      | 事实 | 值 |
      | 已进行保密审查 | 是 |
      | 保密审查已完成的环节 | 拟稿人员提出定密具体意见以及是否公开意见 |
      | 保密审查有文字记载并妥善保存 | 否 |
    当 检查该行为
    那么 结论为"合规"
    并且 未违反规则"QL-10-2.published-after-incomplete-review"
    并且 未违反规则"QL-10-9.published-without-review-record"
