# language: zh-CN
@CN
功能: 条例第十四条、第十五条、第三十六条 是对"答复"的要求,尚未答复的申请不按其检查
  答复拟稿期间,所拟的答复方式与情形不符、理由或者负责机关未写明的,还没有违反第三十六条;
  只有作出答复(有答复之日)才按其检查。已作出的答复,按所申请信息的情形逐项检查。

  背景:
    假如 机关为"宁化县市场监督管理局",行政区划代码"350424",机关类型"政府工作部门"
    并且 行为是"答复政府信息公开申请"
    并且 事实如下:
      | 事实 | 值 |
      | 收到申请之日 | 2025-09-26 |
      | 可以当场答复或者提供 | 否 |
      | 已当场答复或者提供 | 否 |
      | 延长了答复期限 | 否 |
      | 不予公开情形 | state_secret、commercial_secret |
      | 能够确定该信息的拥有机关 | 是 |
      | 已告知负责公开该信息的行政机关的名称和联系方式 | 否 |
      | 答复已说明理由 | 否 |
      | 有关单位和个人同意公开 | 否 |
      | 行政机关认为不公开会对公共利益造成重大影响 | 否 |
    并且 检查日期为"2025-10-10"

  @CN-14 @CN-15 @CN-36 @CN-36-1 @CN-36-4 @CN-36-5 @CN-36-6 @CN-36-7
  场景大纲: 尚未答复的申请,拟定的答复与情形不符也不违反第三十六条
    假如 事实如下:
      | 事实 | 值 |
      | 所申请信息的情形 | <情形> |
      | 答复方式 | <答复> |
    当 检查该行为
    那么 结论为"合规"
    并且 未违反规则"<规则>"

    例子: 尚未答复
      | 情形 | 答复 | 规则 |
      | already_proactive | refused | CN-36-1.already-proactive |
      | nonexistent | provided | CN-36-4.nonexistent |
      | not_held | provided | CN-36-5.not-told |
      | not_held | told_not_held | CN-36-5.reasons-not-given |
      | not_responsible | told_not_responsible | CN-36-5.responsible-agency-not-named |
      | repeated | provided | CN-36-6.repeated |
      | special_procedure | provided | CN-36-7.special-procedure |
      | on_request | provided | CN-14.barred-provided |
      | on_request | told_how_where_when | CN-15.third-party-information-provided |

  @CN-14 @CN-15 @CN-36 @CN-36-1 @CN-36-5
  场景大纲: 同样的答复一经作出,即违反
    假如 事实如下:
      | 事实 | 值 |
      | 所申请信息的情形 | <情形> |
      | 答复方式 | <答复> |
      | 答复或者提供信息之日 | 2025-10-10 |
    当 检查该行为
    那么 结论为"不合规"
    并且 违反规则"<规则>"

    例子: 已答复
      | 情形 | 答复 | 规则 |
      | already_proactive | told_not_responsible | CN-36-1.already-proactive |
      | not_held | provided | CN-36-5.not-told |
      | not_held | told_not_held | CN-36-5.reasons-not-given |
      | not_held | told_not_held | CN-36-5.responsible-agency-not-named |
      | not_responsible | provided | CN-36-5.not-told |
      | on_request | told_how_where_when | CN-14.barred-provided |
      | on_request | provided | CN-15.third-party-information-provided |
