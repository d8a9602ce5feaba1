# language: zh-CN
@QL
功能: 第九条 按情形答复,是对"答复"的要求,尚未答复的申请不按其检查
  答复拟稿期间,所拟的答复方式与第九条所列情形不符的,还没有违反第九条;作出答复
  (有答复之日)后才按其检查。

  背景:
    假如 机关为"清流县市场监督管理局",行政区划代码"350423",机关类型"政府工作部门"
    并且 行为是"答复政府信息公开申请"
    并且 事实如下:
      | 事实 | 值 |
      | 收到申请之日 | 2025-09-26 |
      | 已及时登记 | 是 |
      | 可以当场答复或者提供 | 否 |
      | 已当场答复或者提供 | 否 |
      | 延长了答复期限 | 否 |
      | 不予公开情形 | 属于个人隐私或者公开后可能导致对个人隐私造成不当侵害 |
      | 有关单位和个人同意公开 | 是 |
      | 能够确定该信息的拥有机关 | 是 |
      | 已告知拥有机关的名称或者联系方式 | 否 |
    并且 检查日期为"2025-10-10"

  @QL-5-9-1 @QL-5-9-2 @QL-5-9-4 @QL-5-9-5 @QL-5-9-6 @QL-5-9-7 @QL-5-1-p2
  场景大纲: 尚未答复的申请,拟定的答复与情形不符也不违反第九条
    假如 事实如下:
      | 事实 | 值 |
      | 所申请信息的情形 | <情形> |
      | 答复方式 | <答复> |
    当 检查该行为
    那么 结论为"合规"
    并且 未违反规则"<规则>"

    例子: 尚未答复
      | 情形 | 答复 | 规则 |
      | already_proactive | refused | QL-5-9-1.already-proactive |
      | proactive_not_yet | refused | QL-5-9-2.proactive-not-yet |
      | exempt | provided | QL-5-9-4.exempt |
      | not_held | provided | QL-5-9-5.not-held |
      | not_held | told_not_held | QL-5-9-5.holder-not-named |
      | nonexistent | provided | QL-5-9-6.nonexistent |
      | unclear | provided | QL-5-9-7.unclear |
      | on_request | refused | QL-5-1-p2.refused-despite-consent |
