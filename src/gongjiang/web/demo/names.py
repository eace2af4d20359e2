"""Word lists the demo city is made of: names, enterprises, institutions, honours.

Every person and organisation in the demo is fictional. Names are drawn from common family
names and given-name characters; enterprise names combine a place, a trade name and an
industry word, so they read like 绍兴 companies without being real ones. Public bodies (the
bureaus, the trade union, 绍兴技师学院) carry their real names because users look for them.
"""

from __future__ import annotations

# Common family names, most frequent first (the builder weights them by position).
FAMILY_NAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤屠俞裘楼斯竺"
)
COMPOUND_FAMILY_NAMES = ("欧阳", "司马", "诸葛", "上官")

GIVEN_MALE = "伟强军杰磊涛斌超勇鹏辉刚峰建明华平东亮俊波宇浩凯鑫健飞龙海林新国庆春生荣达志文武成忠毅卫鸣晨阳坤"
GIVEN_FEMALE = "芳娟敏静丽艳娜霞燕玲丹萍红琳洁婷雪慧莉倩颖佳琴梅兰英秀云月虹蓉露瑶欣怡婕晶璐莹珊岚菲"
GIVEN_NEUTRAL = "晓小永立金嘉宏振家俊德子思天一雨安世向益秋清"

# A few names written with the middle dot (the registry must handle them).
DOTTED_NAMES = (
    ("阿依古丽·买买提", "female"), ("艾力·吐尔逊", "male"), ("古丽娜尔·热合曼", "female"),
    ("买买提·艾山", "male"), ("迪丽娜尔·阿不都", "female"), ("努尔兰·哈森", "male"),
)

# Trade names (字号) for enterprises; two are combined.
TRADE_NAME_CHARS = "华兴越鑫精恒宏达远通盛泰瑞联创天海金新永东方宇锦顺德昌隆源丰嘉伟鸿卓立晟博雅汇力"

# Industry division (GB/T 4754) → words an enterprise of that trade uses in its name.
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "17": ("纺织", "印染", "织造", "家纺"),
    "18": ("服饰", "制衣", "针织"),
    "15": ("黄酒", "酿酒"),
    "14": ("食品",),
    "26": ("化工", "新材料"),
    "27": ("制药", "生物医药"),
    "28": ("化纤", "纤维"),
    "33": ("五金", "金属制品", "紧固件"),
    "34": ("机械", "轴承", "泵业", "阀门"),
    "35": ("智能装备", "机电设备", "纺机"),
    "36": ("汽车零部件", "汽配"),
    "38": ("电机", "电气", "电器", "新能源"),
    "39": ("电子", "光电", "半导体"),
    "47": ("建设", "建工"),
    "65": ("信息技术", "软件"),
}
# How many enterprises of each trade (Shaoxing: textiles, machinery, electrical, chemicals).
INDUSTRY_WEIGHTS: dict[str, int] = {
    "17": 16, "18": 6, "15": 3, "14": 2, "26": 6, "27": 3, "28": 6, "33": 6, "34": 14, "35": 9,
    "36": 8, "38": 12, "39": 5, "47": 3, "65": 1,
}

# Posts (岗位) by occupation code.
POSTS: dict[str, tuple[str, ...]] = {
    "6-18-01-01": ("数控车床操作工", "车工", "车削班组长"),
    "6-18-01-05": ("镗床操作工", "镗工"),
    "6-18-02-04": ("焊工", "焊接技术员", "焊接班组长"),
    "6-20-01-01": ("装配钳工", "模具钳工", "钳工"),
    "6-30-99-00": ("机器人工作站操作员", "产线操作员"),
    "6-31-01-03": ("维修电工", "设备电工", "电气维修班组长"),
    "6-31-01-10": ("机器人运维工程师", "设备运维员"),
    "4-04-05-07": ("服务机器人调试员", "售后技术员"),
}
# How common each occupation is among the demo's skilled workers.
OCCUPATION_WEIGHTS: dict[str, int] = {
    "6-31-01-03": 25, "6-18-02-04": 20, "6-18-01-01": 18, "6-20-01-01": 15, "6-18-01-05": 5,
    "6-30-99-00": 7, "6-31-01-10": 5, "4-04-05-07": 3,
}

TECHNICAL_COLLEGES = (
    ("绍兴技师学院", "330602"),
    ("诸暨技师学院", "330681"),
    ("上虞区技工学校", "330604"),
)
VOCATIONAL_SCHOOLS = (
    ("绍兴职业技术学院", "330602"),
    ("柯桥区职业教育中心", "330603"),
    ("新昌县职业技术教育中心", "330624"),
    ("嵊州市职业教育中心", "330683"),
    ("上虞区职业教育中心", "330604"),
)
BRANCH_SUFFIXES = ("装配分公司", "制造分公司", "销售分公司", "研发中心", "第二工厂")
TRAINING_WORDS = ("职业技能培训学校", "技能培训中心", "职业培训学校")
EVALUATION_WORDS = ("职业技能评价中心", "技能人才评价有限公司", "职业技能鉴定站")

FOREIGN_PARTNERS = (
    ("德国巴伐利亚职业培训中心（演示）", "DE", "HRB 204871"),
    ("德国北威州双元制教育学院（演示）", "DE", "HRB 77120"),
    ("瑞士精密制造培训学院（演示）", "CH", "CHE-118.455.902"),
    ("新加坡先进制造技能学院（演示）", "SG", "201934512K"),
    ("日本东海技能开发协会（演示）", "JP", "4180005002761"),
)
ALLIANCE = "绍兴国际工匠培育联盟"

# Honours: (Honor.Title, name, Honor.Level, awarded by).
HONOR_NATIONAL_EXPERT = ("national_technical_expert", "全国技术能手", "national", "人力资源社会保障部")
HONOR_CHINA_SKILL_AWARD = ("china_skill_award", "中华技能大奖", "national", "人力资源社会保障部")
HONOR_PROVINCIAL_EXPERT = ("provincial_technical_expert", "浙江省技术能手", "provincial", "浙江省人力资源和社会保障厅")
HONOR_CITY_EXPERT = ("city_technical_expert", "绍兴市技术能手", "city", "绍兴市人力资源和社会保障局")
HONOR_CRAFTSMAN = ("craftsman", "绍兴工匠", "city", "绍兴市人民政府")
HONOR_SKILL_MASTER = ("skill_master", "绍兴市技能大师", "city", "绍兴市人力资源和社会保障局")
HONOR_MODEL_WORKER = ("model_worker", "绍兴市劳动模范", "city", "绍兴市人民政府")
HONOR_CHIEF_TECHNICIAN = ("chief_technician", "首席技师", "enterprise", "")
HONOR_DISTRICT_CHAMPION = ("technical_champion", "{district}技术状元", "district", "{district}人力资源和社会保障局")

REVOKE_REASON = "核查发现申报材料中的工作年限不实，依规撤销。"
